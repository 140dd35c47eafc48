package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.worker.db.ReplicationStatus;
import org.ebsvolume.worker.db.VolumeRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The replica channel's side of a planned move ({@link PlannedFailover} on the other host): a
 * peer hands this host its identity ({@code takeOver}), or hands back this host's own
 * ({@code resume}). A peer may hand over only its own identity.
 */
final class IdentityHandover implements ReplicaEndpoint.IdentityHandover {

    private static final Logger LOG = LoggerFactory.getLogger(IdentityHandover.class);

    private final ReplicatedBackend backend;

    IdentityHandover(ReplicatedBackend backend) {
        this.backend = backend;
    }

    @Override
    public int takeOver(String caller, String serviceHost) throws DriverException {
        if (!serviceHost.equals(backend.peerIds().get(caller))) {
            throw new IllegalArgumentException(caller + " may hand over only its own identity " + backend.peerIds().get(caller)
                    + ", not " + serviceHost);
        }
        try {
            List<String> promoted = new ArrayList<>();
            for (VolumeRow v : backend.volumesWithResourceHere(serviceHost, ReplicationStatus.ENABLED, ReplicationStatus.FAILING_OVER)) {
                PeerFailover.makePrimary(backend.replication().drbd(), v.name());
                promoted.add(v.id());
            }
            backend.servePeer(serviceHost);
            PeerFailover.failSnapshotsWithoutCopyHere(backend.db(), backend.vg(), promoted, serviceHost);
            backend.markTakenOver(serviceHost);
            return promoted.size();
        } catch (DriverException e) {
            throw e;
        } catch (Exception e) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "taking over " + serviceHost + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int resume(String caller, String serviceHost) throws DriverException {
        String own = backend.ownServiceHost();
        if (!own.equals(serviceHost) || !backend.peerIds().containsKey(caller)) {
            throw new IllegalArgumentException(caller + " cannot hand " + serviceHost + " to this host (" + own + ")");
        }
        try {
            List<VolumeRow> volumes = backend.volumesWithResourceHere(own, ReplicationStatus.FAILED_OVER,
                    ReplicationStatus.FAILING_OVER, ReplicationStatus.ENABLED);
            backend.promoteOwnVolumes();
            backend.serveOwn();
            PeerFailover.failSnapshotsWithoutCopyHere(backend.db(), backend.vg(), volumes.stream().map(VolumeRow::id).toList(), own);
            LOG.warn("{} is served by this host again (handed back by {})", own, caller);
            return volumes.size();
        } catch (Exception e) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "resuming " + own + ": " + e.getMessage(), e);
        }
    }
}
