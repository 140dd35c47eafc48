package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.drbd.DrbdConnectionState;
import org.ebsvolume.drivers.drbd.DrbdDiskState;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.worker.db.ReplicationStatus;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.rpc.ReplicationControl;
import org.ebsvolume.worker.service.BackendService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.ebsvolume.drivers.CinderError.INVALID_REPLICATION_TARGET;

/**
 * {@code cinder failover-host}: an identity and its volumes moved by the operator, with nothing
 * lost. Every copy must be in sync on the other host; the volumes here are unexported and made
 * Secondary, the other host promotes them ({@link IdentityHandover} on its side), and only then
 * does this host stop serving the identity. If the other host cannot take them, they are made
 * Primary here again and the identity stays.
 */
final class PlannedFailover {

    private static final Logger LOG = LoggerFactory.getLogger(PlannedFailover.class);

    private PlannedFailover() {
    }

    /** failover_host on this host's own identity: hand it, with its volumes, to the backup. */
    static final class OwnIdentity implements ReplicationControl {
        private final ReplicatedBackend backend;

        OwnIdentity(ReplicatedBackend backend) {
            this.backend = backend;
        }

        @Override
        public List<String> targets() {
            return List.copyOf(backend.peerIds().keySet());
        }

        @Override
        public Outcome failover(String secondaryBackendId) throws DriverException {
            String target = secondaryBackendId == null ? targets().get(0) : secondaryBackendId;
            if ("default".equals(target)) {
                throw new DriverException(INVALID_REPLICATION_TARGET, "this backend is not failed over; there is nothing to fail back");
            }
            if (!backend.peerIds().containsKey(target)) {
                throw new DriverException(INVALID_REPLICATION_TARGET, "'" + target + "' is not a replication target of this backend " + targets());
            }
            String own = backend.ownServiceHost();
            BackendService service = backend.ownService();
            try {
                List<VolumeRow> volumes = backend.volumesWithResourceHere(own, ReplicationStatus.ENABLED);
                requirePeerInSync(backend, volumes, target);
                demote(backend, service, volumes);
                try {
                    int promoted = backend.replication().peer().takeOver(own);
                    LOG.warn("Failover of {} to {}: {} volume(s) handed over", own, target, promoted);
                } catch (DriverException e) {
                    promoteBack(backend, volumes, e);
                    throw new DriverException(INVALID_REPLICATION_TARGET, target + " could not take the volumes over (they stay here): "
                            + e.getMessage(), e);
                }
                return new Outcome(target, replicationStatus(volumes, ReplicationStatus.FAILED_OVER), () -> {
                    BackendService released = backend.releaseOwn();
                    if (released != null) {
                        backend.stopAfterReply(released);
                    }
                });
            } catch (SQLException e) {
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "failover of " + own + ": database: " + e.getMessage(), e);
            }
        }
    }

    /** failover_host on a peer's identity this host serves: only failback ({@code default}) is possible. */
    static final class PeerIdentity implements ReplicationControl {
        private final ReplicatedBackend backend;
        private final String peerServiceHost;

        PeerIdentity(ReplicatedBackend backend, String peerServiceHost) {
            this.backend = backend;
            this.peerServiceHost = peerServiceHost;
        }

        @Override
        public List<String> targets() {
            return List.of("default");
        }

        @Override
        public Outcome failover(String secondaryBackendId) throws DriverException {
            if (!"default".equals(secondaryBackendId)) {
                throw new DriverException(INVALID_REPLICATION_TARGET, peerServiceHost + " is failed over to this host already; only"
                        + " --backend_id default (failback) is possible");
            }
            BackendService service = backend.peerService(peerServiceHost);
            try {
                // Volumes created on the identity while this host served it are failed-over too
                // (Primary here, their replica on the returning host): they go back with the others.
                List<VolumeRow> volumes = backend.volumesWithResourceHere(peerServiceHost, ReplicationStatus.FAILED_OVER);
                for (VolumeRow v : volumes) {
                    if (v.attached()) {
                        throw new DriverException(INVALID_REPLICATION_TARGET, "volume " + v.id() + " is attached; detach it before failing back");
                    }
                }
                requirePeerInSync(backend, volumes, peerServiceHost);
                demote(backend, service, volumes);
                try {
                    int promoted = backend.replication().peer().resume(peerServiceHost);
                    LOG.warn("Failback of {}: {} volume(s) handed back", peerServiceHost, promoted);
                } catch (DriverException e) {
                    promoteBack(backend, volumes, e);
                    throw new DriverException(INVALID_REPLICATION_TARGET, peerServiceHost + " could not take its volumes back (they stay"
                            + " here): " + e.getMessage(), e);
                }
                return new Outcome("", replicationStatus(volumes, ReplicationStatus.ENABLED), () -> {
                    BackendService released = backend.releasePeer(peerServiceHost);
                    if (released != null) {
                        backend.stopAfterReply(released);
                    }
                });
            } catch (SQLException e) {
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "failback of " + peerServiceHost + ": database: "
                        + e.getMessage(), e);
            }
        }
    }

    /** Every copy must be Connected with the peer's disk UpToDate before a planned move: nothing is lost then. */
    private static void requirePeerInSync(ReplicatedBackend backend, List<VolumeRow> volumes, String target) throws DriverException {
        for (VolumeRow v : volumes) {
            Optional<DrbdResourceState> state = backend.replication().drbd().currentState(v.name());
            boolean inSync = state.flatMap(DrbdResourceState::onlyPeer).map(p -> p.connection() == DrbdConnectionState.CONNECTED
                    && p.devices().values().stream().allMatch(d -> d.peerDisk() == DrbdDiskState.UP_TO_DATE)).orElse(false);
            if (!inSync) {
                throw new DriverException(INVALID_REPLICATION_TARGET, "volume " + v.id() + ": the copy on " + target
                        + " is not connected and UpToDate (" + state.map(DrbdResourceState::describe).orElse("down") + ")");
            }
        }
    }

    /** Unexported here and Secondary: the other host may promote. */
    private static void demote(ReplicatedBackend backend, BackendService service, List<VolumeRow> volumes) throws DriverException {
        for (VolumeRow v : volumes) {
            service.driver().removeExport(v.ref(true));
            backend.replication().drbd().secondary(v.name());
        }
    }

    /** Undo of {@link #demote} when the other host could not take the volumes. */
    private static void promoteBack(ReplicatedBackend backend, List<VolumeRow> volumes, Exception why) {
        for (VolumeRow v : volumes) {
            try {
                backend.replication().drbd().primary(v.name());
            } catch (DriverException e) {
                why.addSuppressed(e);
                LOG.error("Volume {}: could not be made Primary here again after a failed hand-over: {}", v.id(), e.getMessage());
            }
        }
    }

    private static Map<String, Map<String, Object>> replicationStatus(List<VolumeRow> volumes, ReplicationStatus status) {
        Map<String, Map<String, Object>> updates = new LinkedHashMap<>();
        for (VolumeRow v : volumes) {
            updates.put(v.id(), Map.of("replication_status", status.column()));
        }
        return updates;
    }
}
