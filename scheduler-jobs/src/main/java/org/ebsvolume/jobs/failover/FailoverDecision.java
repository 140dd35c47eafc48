package org.ebsvolume.jobs.failover;

import java.util.List;
import java.util.Objects;

/**
 * What the policy decided and why: the evidence string goes to the log and to the services
 * row's disabled_reason, so an operator sees in Cinder why a backup took over (or did not).
 *
 * @param promote   the volumes to promote on this host (empty unless {@link #takeOver})
 * @param withheld  the primary's volumes this host must not promote (their copy here misses data)
 */
public record FailoverDecision(boolean takeOver, String reason, String evidence, List<String> promote, List<String> withheld) {
    public FailoverDecision {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(evidence, "evidence");
        promote = List.copyOf(promote);
        withheld = List.copyOf(withheld);
    }

    static FailoverDecision stay(String reason, FailoverEvidence evidence) {
        return new FailoverDecision(false, reason, evidence.describe(), List.of(), List.of());
    }

    @Override
    public String toString() {
        return (takeOver ? "TAKE OVER" : "STAY SECONDARY") + ": " + reason + " [" + evidence + "]"
                + (withheld.isEmpty() ? "" : " withheld " + withheld);
    }
}
