package org.ebsvolume.drivers;

import java.util.Map;
import java.util.Optional;

/**
 * What the volume service asks of a storage backend, shaped like Cinder's driver interface
 * ({@code cinder/volume/driver.py}). Every method that creates a volume returns a model update
 * (provider_location, provider_auth, …) that the service writes to Cinder's database; a driver
 * that replicates hooks in there.
 */
public interface VolumeDriver {

    /** {@code do_setup} + {@code check_for_setup_error}: throws when the backend cannot serve. */
    void initialize() throws DriverException;

    /** {@code get_volume_stats(refresh=True)}: the capability report for the scheduler. */
    Map<String, Object> stats() throws DriverException;

    Map<String, Object> createVolume(VolumeRef volume) throws DriverException;

    /** {@code create_volume_from_snapshot}: the new volume may be larger than the snapshot's volume. */
    default Map<String, Object> createVolumeFromSnapshot(VolumeRef volume, SnapshotRef snapshot) throws DriverException {
        throw unsupported("creating a volume from a snapshot");
    }

    /** {@code create_cloned_volume}: the new volume may be larger than its source. */
    default Map<String, Object> createClonedVolume(VolumeRef volume, VolumeRef source) throws DriverException {
        throw unsupported("cloning a volume");
    }

    /** {@code revert_to_snapshot}: the volume's content becomes the snapshot's; the snapshot stays. */
    default void revertToSnapshot(VolumeRef volume, SnapshotRef snapshot) throws DriverException {
        throw unsupported("reverting a volume to a snapshot");
    }

    /**
     * {@code migrate_volume}, storage-assisted: moves the volume to {@code destinationHost} when the
     * backend can do it itself and returns the model update; empty means "not by me", and the
     * service falls back to Cinder's generic (host-copy) migration.
     */
    default Optional<Map<String, Object>> migrateVolume(VolumeRef volume, String destinationHost,
                                                        Map<String, Object> destinationCapabilities) throws DriverException {
        return Optional.empty();
    }

    /**
     * {@code copy_image_to_volume}: writes the Glance image onto the (already created) volume.
     * Returns the image's metadata as Cinder records it in {@code volume_glance_metadata}.
     *
     * @param token the request's auth token for Glance, may be null (noauth)
     */
    default Map<String, String> copyImageToVolume(VolumeRef volume, String imageId, String token) throws DriverException {
        throw unsupported("writing images to volumes");
    }

    /** {@code copy_volume_to_image}: uploads the volume into the queued Glance image, in {@code diskFormat}. */
    default void copyVolumeToImage(VolumeRef volume, String imageId, String diskFormat, String token) throws DriverException {
        throw unsupported("uploading volumes to images");
    }

    /**
     * Generic migration, source side: writes this volume's content onto another backend's volume,
     * reached through its {@code initialize_connection} answer (attach, copy, detach).
     */
    default void copyVolumeTo(VolumeRef source, Map<String, Object> destinationConnectionInfo) throws DriverException {
        throw unsupported("copying a volume to another backend");
    }

    /** The connector this host presents when it attaches another backend's volume (os-brick's connector properties). */
    default Map<String, Object> localConnector() throws DriverException {
        throw unsupported("attaching volumes on this host");
    }

    /**
     * {@code update_migrated_volume}, on the destination after a generic migration: the model
     * update for the original volume row. The default keeps the data under the new volume's name.
     */
    default Map<String, Object> updateMigratedVolume(VolumeRef volume, VolumeRef newVolume, String originalStatus)
            throws DriverException {
        Map<String, Object> update = new java.util.LinkedHashMap<>();
        update.put("_name_id", newVolume.nameId());
        update.put("provider_location", newVolume.providerLocation());
        return update;
    }

    /**
     * The local block device of the volume, for data copies made on this host (image download and
     * upload, generic migration).
     */
    default String localPath(VolumeRef volume) throws DriverException {
        throw unsupported("local access to volumes");
    }

    /**
     * {@code retype} to a type this backend also serves: the model update when the driver changed
     * what the new type needs (empty map: nothing to do, as Cinder's LVM driver answers), or
     * empty when it cannot, and the volume must migrate instead.
     *
     * @param replicatedType whether the new type asks for replication ({@code replication_enabled})
     * @param attached       whether the volume is attached now
     */
    default Optional<Map<String, Object>> retype(VolumeRef volume, boolean replicatedType, boolean attached) throws DriverException {
        return Optional.of(Map.of());
    }

    /** Deleting a volume the backend does not hold is a success, as in Cinder's LVM driver. */
    void deleteVolume(VolumeRef volume) throws DriverException;

    void extendVolume(VolumeRef volume, int newSizeGb) throws DriverException;

    /** {@code manage_existing_get_size}: GiB (rounded up) of the storage object {@code ref} names. */
    int manageExistingSize(VolumeRef volume, Map<String, Object> ref) throws DriverException;

    /** {@code manage_existing}: takes the object over under this volume's storage name. */
    Map<String, Object> manageExisting(VolumeRef volume, Map<String, Object> ref) throws DriverException;

    Map<String, Object> createSnapshot(SnapshotRef snapshot) throws DriverException;

    void deleteSnapshot(SnapshotRef snapshot) throws DriverException;

    Map<String, Object> createExport(VolumeRef volume, Map<String, Object> connector) throws DriverException;

    /** {@code initialize_connection}: {@code {"driver_volume_type": …, "data": {…}}}. */
    Map<String, Object> initializeConnection(VolumeRef volume, Map<String, Object> connector) throws DriverException;

    void terminateConnection(VolumeRef volume, Map<String, Object> connector) throws DriverException;

    void removeExport(VolumeRef volume) throws DriverException;

    /** Called on {@code freeze_host}; errors are logged by the caller, never fatal. */
    void freezeBackend() throws DriverException;

    /** Called on {@code thaw_host}; a failure keeps the service disabled. */
    void thawBackend() throws DriverException;

    private DriverException unsupported(String what) {
        return DriverException.unsupported(what, getClass().getSimpleName());
    }
}
