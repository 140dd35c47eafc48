package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdConnectionState;
import org.ebsvolume.drivers.drbd.DrbdDiskState;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.time.Pause;
import org.ebsvolume.jobs.PeriodicTask;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.RpcClient;
import org.ebsvolume.messaging.Target;
import org.ebsvolume.messaging.Transport;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ReplicationStatus;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.ServiceRow;
import org.ebsvolume.worker.db.ServiceTable;
import org.ebsvolume.worker.db.VolumeRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code replication_auto_failback = true}: the host serving a taken-over peer's identity hands
 * it back by itself, as an operator would with {@code cinder failover-host <peer> --backend_id
 * default} and {@code cinder thaw-host <peer>}, once it is safe:
 * <ul>
 *   <li>the peer's services row says failed over to this host;</li>
 *   <li>none of its volumes is attached (a failback moves the export; Nova is not told);</li>
 *   <li>every copy is Connected, both sides UpToDate (the old primary has re-synced);</li>
 *   <li>the old primary's worker answers on the replica channel.</li>
 * </ul>
 * Then it does what cinder-api does: the services row goes {@code failing-over} (a conditional
 * update, so an operator's own failover wins), {@code failover} with {@code default} is cast to
 * the identity's topic (served here: the usual failback path runs), and once the row says
 * {@code enabled}, the row's {@code frozen} goes True to False and {@code thaw_host} is called on
 * the topic (cinder-api's thaw: the DB change, then the call), which the old primary serves again.
 * Each reason to wait is logged once, when it changes.
 */
public final class AutomaticFailback implements PeriodicTask {

    private static final Logger LOG = LoggerFactory.getLogger(AutomaticFailback.class);
    private static final Duration FAILBACK_WAIT = Duration.ofMinutes(5);
    /** How often the peer's services row is read while its failback runs. */
    private static final Duration FAILBACK_POLL = Duration.ofSeconds(1);

    /** Asks the old primary's worker something harmless (replica_state); throws when it does not answer. */
    @FunctionalInterface
    public interface Probe {
        void answer() throws Exception;
    }

    private final String peerServiceHost;
    private final String ownBackendId;
    private final CinderDatabase db;
    private final ServiceTable services;
    private final ResourceTables tables;
    private final DrbdAdm drbd;
    private final Probe probe;
    private final Transport transport;
    private final Pause pause;
    private volatile String lastWait = "";

    /** @param pause how the polls of the peer's services row wait while its failback runs ({@link Pause#SLEEP}) */
    public AutomaticFailback(String peerServiceHost, String ownBackendId, CinderDatabase db, DrbdAdm drbd, Probe probe,
                             Transport transport, Pause pause) {
        this.peerServiceHost = Objects.requireNonNull(peerServiceHost, "peerServiceHost");
        this.ownBackendId = Objects.requireNonNull(ownBackendId, "ownBackendId");
        this.db = Objects.requireNonNull(db, "db");
        this.services = new ServiceTable(db);
        this.tables = new ResourceTables(db);
        this.drbd = Objects.requireNonNull(drbd, "drbd");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    @Override
    public void run(Instant now) throws Exception {
        Optional<String> wait = reasonToWait();
        if (wait.isPresent()) {
            if (!wait.get().equals(lastWait)) {
                LOG.info("Automatic failback of {}: waiting: {}", peerServiceHost, wait.get());
                lastWait = wait.get();
            }
            return;
        }
        ServiceRow row = services.find(peerServiceHost).orElseThrow();
        // What cinder-api's failover does before its cast: only from failed-over, so a failover
        // an operator started meanwhile is left alone.
        int claimed = db.update("UPDATE services SET replication_status = 'failing-over' WHERE id = ?"
                + " AND replication_status = 'failed-over' AND deleted = 0", row.id());
        if (claimed != 1) {
            return;
        }
        LOG.warn("Automatic failback of {}: its host is back and every copy is in sync; failing back (failover to 'default')",
                peerServiceHost);
        RpcClient identity = transport.client(Target.topic("cinder-volume").withServer(peerServiceHost).withVersion("3.8"));
        identity.cast(MessageContext.admin(), "failover", Map.of("secondary_backend_id", "default"));
        long deadline = System.nanoTime() + FAILBACK_WAIT.toNanos();
        while (true) {
            String status = services.find(peerServiceHost).map(ServiceRow::replicationStatus).orElse("");
            if ("enabled".equals(status)) {
                break;
            }
            if (!"failing-over".equals(status) || System.nanoTime() > deadline) {
                LOG.error("Automatic failback of {}: did not complete (replication_status {}); the identity stays failed over",
                        peerServiceHost, status);
                return;
            }
            pause.sleep(FAILBACK_POLL);
        }
        // cinder-api's thaw_host: frozen True -> False in the row first (a conditional update, as
        // the API's _replication_db_change), then the call; the worker only re-enables the service.
        int thawed = db.update("UPDATE services SET frozen = 0 WHERE id = ? AND frozen = 1 AND deleted = 0", row.id());
        if (thawed == 1) {
            // thaw_host is a call, as cinder-api makes it; the old primary serves the topic again.
            identity.prepare(t -> t.withVersion("3.0")).call(MessageContext.admin(), "thaw_host", Map.of());
            LOG.warn("Automatic failback of {}: failed back and thawed; its host serves it again", peerServiceHost);
        } else {
            LOG.warn("Automatic failback of {}: failed back; its host serves it again", peerServiceHost);
        }
    }

    /** Why the identity cannot be handed back now, or empty when it can. */
    Optional<String> reasonToWait() throws Exception {
        Optional<ServiceRow> row = services.find(peerServiceHost);
        if (row.isEmpty() || !"failed-over".equals(row.get().replicationStatus()) || !ownBackendId.equals(row.get().activeBackendId())) {
            return Optional.of("its services row is not failed over to " + ownBackendId
                    + row.map(r -> " (" + r.replicationStatus() + ", active " + r.activeBackendId() + ")").orElse(""));
        }
        List<VolumeRow> volumes = new ArrayList<>();
        for (VolumeRow v : tables.volumeRowsByReplication(peerServiceHost, List.of(ReplicationStatus.FAILED_OVER))) {
            if (drbd.files().exists(v.name())) {
                volumes.add(v);
            }
        }
        for (VolumeRow v : volumes) {
            if (v.attached()) {
                return Optional.of("volume " + v.id() + " is attached (detach it, or fail back by hand)");
            }
            Optional<DrbdResourceState> state = drbd.currentState(v.name());
            boolean inSync = state.isPresent() && state.get().device().map(d -> d.disk() == DrbdDiskState.UP_TO_DATE).orElse(false)
                    && state.get().onlyPeer().map(p -> p.connection() == DrbdConnectionState.CONNECTED
                    && p.devices().values().stream().allMatch(d -> d.peerDisk() == DrbdDiskState.UP_TO_DATE)).orElse(false);
            if (!inSync) {
                return Optional.of("volume " + v.id() + " is not in sync with the old primary ("
                        + state.map(DrbdResourceState::describe).orElse("down") + ")");
            }
        }
        try {
            probe.answer();
        } catch (Exception e) {
            return Optional.of("the old primary's worker does not answer (" + e.getMessage() + ")");
        }
        return Optional.empty();
    }
}
