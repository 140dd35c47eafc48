package org.ebsvolume.jobs.failover;

import org.ebsvolume.jobs.PeriodicTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Objects;

/**
 * The backup host's periodic look at one peer (a Quartz task: never two runs at once, missed
 * fires skipped): gather the evidence, let {@link FailoverPolicy} decide, and take over once.
 *
 * <p>Every decision is logged with its evidence: a change of decision at WARN (INFO while it
 * keeps saying "stay"), a repeat of the same one at DEBUG, so an operator reading the log at
 * 3 a.m. sees when and why the backup moved, without one line per run. A take-over that fails
 * is logged and tried again at the next run; after one that succeeded the watch only reports.
 */
public final class PeerWatch implements PeriodicTask {

    private static final Logger LOG = LoggerFactory.getLogger(PeerWatch.class);

    /** Looks at the witness and at DRBD on this host. */
    @FunctionalInterface
    public interface EvidenceSource {
        FailoverEvidence gather(Instant now) throws Exception;
    }

    /** Promotes the decided volumes here and starts serving the peer's identity. */
    @FunctionalInterface
    public interface Takeover {
        void takeOver(FailoverDecision decision) throws Exception;
    }

    private final String peer;
    private final EvidenceSource evidence;
    private final Takeover takeover;
    private volatile boolean tookOver;
    private volatile String lastReason = "";

    public PeerWatch(String peer, EvidenceSource evidence, Takeover takeover) {
        this.peer = Objects.requireNonNull(peer, "peer");
        this.evidence = Objects.requireNonNull(evidence, "evidence");
        this.takeover = Objects.requireNonNull(takeover, "takeover");
    }

    @Override
    public void run(Instant now) throws Exception {
        if (tookOver) {
            return;
        }
        FailoverDecision decision = FailoverPolicy.decide(evidence.gather(now));
        boolean changed = !decision.reason().equals(lastReason);
        lastReason = decision.reason();
        if (!decision.takeOver()) {
            if (changed) {
                LOG.info("Failover watch of {}: {}", peer, decision);
            } else {
                LOG.debug("Failover watch of {}: {}", peer, decision);
            }
            return;
        }
        LOG.warn("Failover watch of {}: {}; promoting {}", peer, decision, decision.promote());
        takeover.takeOver(decision);
        tookOver = true;
    }

    /** This host took the peer's volumes over (in this process's life). */
    public boolean tookOver() {
        return tookOver;
    }

    /** Taking over was done another way (found at start-up, or by an operator's failover). */
    public void markTakenOver() {
        tookOver = true;
    }

    /** The peer serves its own volumes again (failback): watch it again. */
    public void rearm() {
        tookOver = false;
        lastReason = "";
    }
}
