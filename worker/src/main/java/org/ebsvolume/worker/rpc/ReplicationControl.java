package org.ebsvolume.worker.rpc;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Cinder's {@code failover_host} for a backend that replicates: the storage side (the driver's
 * part in Cinder's manager / driver split). The RPC endpoint records the outcome in the database
 * exactly as Cinder's manager does; this side moves the volumes and the service identity.
 */
public interface ReplicationControl {

    /**
     * Fails this backend over to {@code secondaryBackendId}, or back ({@code "default"}).
     *
     * @throws DriverException {@link CinderError#INVALID_REPLICATION_TARGET} for an unknown or unready target (nothing
     *                         changed); any other class when the storage failed half-way
     */
    Outcome failover(String secondaryBackendId) throws DriverException;

    /**
     * @param activeBackendId the backend now serving ({@code ""} after a failback)
     * @param volumeUpdates   per volume id, the columns to write
     * @param afterRecorded   run once the database holds the outcome (e.g. hand the identity over)
     */
    record Outcome(String activeBackendId, Map<String, Map<String, Object>> volumeUpdates, Runnable afterRecorded) {
        public Outcome {
            Objects.requireNonNull(activeBackendId, "activeBackendId");
            volumeUpdates = Map.copyOf(volumeUpdates);
            Objects.requireNonNull(afterRecorded, "afterRecorded");
        }
    }

    /** The target ids this backend may fail over to (its replication_targets). */
    List<String> targets();
}
