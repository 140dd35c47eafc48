package org.ebsvolume.drivers.replication;

/**
 * The backup host of a replicated volume as the primary sees it: calls that are each idempotent
 * (asking again for what is already done answers as if it had just been done), so a caller that
 * lost a reply may simply ask again. Implemented by the worker over the broker
 * ({@code ebs-replica} topic, HMAC-authenticated); {@code resource} is the DRBD resource and LV
 * name ({@code volume-<name id>}), {@code volumeId} Cinder's id, for the backup's log.
 */
public interface ReplicaPeer {

    /** The peer's {@code backend_id}. */
    String backendId();

    /** What the backup knows: its node name and address, its used DRBD slots, the resource's state there. */
    ReplicaFacts state(String volumeId, String resource) throws ReplicaPeerException;

    /** Backing LV, resource file, metadata, {@code drbdadm up} on the backup; answers the backup's half of the resource. */
    ReplicaSide prepare(ReplicaRequest request) throws ReplicaPeerException;

    /** Grows the backup's LV for a volume of {@code sizeGb} GiB (the primary then runs {@code drbdadm resize}). */
    void resize(String volumeId, String resource, int sizeGb) throws ReplicaPeerException;

    /** {@code drbdadm down}, resource file and LV removed on the backup; a replica that is not there is removed. */
    void remove(String volumeId, String resource) throws ReplicaPeerException;

    /** An LVM snapshot {@code _snapshot-<snapshotId>} of the backup's copy; refused unless that copy is Connected and UpToDate. */
    void snapshot(String volumeId, String resource, String snapshotId) throws ReplicaPeerException;

    /** The backup's snapshot {@code _snapshot-<snapshotId>} removed; one that is not there is removed. */
    void removeSnapshot(String volumeId, String snapshotId) throws ReplicaPeerException;
}
