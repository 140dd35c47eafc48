package org.ebsvolume.worker.testing;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.SnapshotRef;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.VolumeRef;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link VolumeDriver} that keeps its volumes, snapshots and exports in memory, for tests of
 * what the worker writes around the driver. Any operation can be made to fail with
 * {@link #failOn}: it then throws before changing anything, as a driver that could not do it.
 */
public final class FakeVolumeDriver implements VolumeDriver {

    private final Map<String, Integer> volumes = new ConcurrentHashMap<>();
    private final Set<String> snapshots = ConcurrentHashMap.newKeySet();
    private final Set<String> exports = ConcurrentHashMap.newKeySet();
    private final Map<String, DriverException> failures = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<VolumeRef> deleted = new CopyOnWriteArrayList<>();
    private final List<SnapshotRef> deletedSnapshots = new CopyOnWriteArrayList<>();

    /** Makes every later call of {@code operation} (a method name of VolumeDriver) throw {@code failure}. */
    public FakeVolumeDriver failOn(String operation, DriverException failure) {
        failures.put(operation, failure);
        return this;
    }

    /** The size (GiB) of the volume stored under this storage name, empty when there is none. */
    public OptionalInt sizeOf(String storageName) {
        Integer size = volumes.get(storageName);
        return size == null ? OptionalInt.empty() : OptionalInt.of(size);
    }

    public boolean holdsSnapshot(String snapshotId) {
        return snapshots.contains(snapshotId);
    }

    public boolean exports(String storageName) {
        return exports.contains(storageName);
    }

    /** The volumes {@code deleteVolume} was called with, as the worker described them. */
    public List<VolumeRef> deleted() {
        return List.copyOf(deleted);
    }

    /** The snapshots {@code deleteSnapshot} was called with, as the worker described them. */
    public List<SnapshotRef> deletedSnapshots() {
        return List.copyOf(deletedSnapshots);
    }

    /** The operations called so far, in order. */
    public List<String> calls() {
        return List.copyOf(calls);
    }

    /** The storage this fake holds for a volume created outside the worker, as a test's given. */
    public void store(String storageName, int sizeGb) {
        volumes.put(storageName, sizeGb);
    }

    private void call(String operation) throws DriverException {
        calls.add(operation);
        DriverException failure = failures.get(operation);
        if (failure != null) {
            throw failure;
        }
    }

    private static Map<String, Object> location(String storageName) {
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("provider_location", "fake:" + storageName);
        return update;
    }

    @Override
    public void initialize() throws DriverException {
        call("initialize");
    }

    @Override
    public Map<String, Object> stats() throws DriverException {
        call("stats");
        return Map.of("volume_backend_name", "fake", "total_capacity_gb", 100, "free_capacity_gb", 100);
    }

    @Override
    public Map<String, Object> createVolume(VolumeRef volume) throws DriverException {
        call("createVolume");
        volumes.put(volume.storageName(), volume.sizeGb());
        return location(volume.storageName());
    }

    @Override
    public Map<String, Object> createVolumeFromSnapshot(VolumeRef volume, SnapshotRef snapshot) throws DriverException {
        call("createVolumeFromSnapshot");
        volumes.put(volume.storageName(), volume.sizeGb());
        return location(volume.storageName());
    }

    @Override
    public Map<String, Object> createClonedVolume(VolumeRef volume, VolumeRef source) throws DriverException {
        call("createClonedVolume");
        volumes.put(volume.storageName(), volume.sizeGb());
        return location(volume.storageName());
    }

    @Override
    public Optional<Map<String, Object>> retype(VolumeRef volume, boolean replicatedType, boolean attached) throws DriverException {
        call("retype");
        return Optional.of(Map.of());
    }

    @Override
    public void deleteVolume(VolumeRef volume) throws DriverException {
        call("deleteVolume");
        deleted.add(volume);
        volumes.remove(volume.storageName());
    }

    @Override
    public void extendVolume(VolumeRef volume, int newSizeGb) throws DriverException {
        call("extendVolume");
        volumes.put(volume.storageName(), newSizeGb);
    }

    @Override
    public int manageExistingSize(VolumeRef volume, Map<String, Object> ref) throws DriverException {
        call("manageExistingSize");
        Integer size = volumes.get(String.valueOf(ref.get("source-name")));
        if (size == null) {
            throw new DriverException(CinderError.MANAGE_EXISTING_INVALID_REFERENCE, "no volume " + ref.get("source-name"));
        }
        return size;
    }

    @Override
    public Map<String, Object> manageExisting(VolumeRef volume, Map<String, Object> ref) throws DriverException {
        call("manageExisting");
        volumes.put(volume.storageName(), volumes.remove(String.valueOf(ref.get("source-name"))));
        return location(volume.storageName());
    }

    @Override
    public Map<String, Object> createSnapshot(SnapshotRef snapshot) throws DriverException {
        call("createSnapshot");
        snapshots.add(snapshot.id());
        return Map.of("provider_location", "fake:_snapshot-" + snapshot.id());
    }

    @Override
    public void deleteSnapshot(SnapshotRef snapshot) throws DriverException {
        call("deleteSnapshot");
        deletedSnapshots.add(snapshot);
        snapshots.remove(snapshot.id());
    }

    @Override
    public Map<String, Object> createExport(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        call("createExport");
        exports.add(volume.storageName());
        return Map.of("provider_auth", "CHAP fake-user fake-secret");
    }

    @Override
    public Map<String, Object> initializeConnection(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        call("initializeConnection");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("target_iqn", "iqn.2010-10.org.openstack:" + volume.storageName());
        data.put("target_portal", "127.0.0.1:3260");
        data.put("target_lun", 0);
        data.put("volume_id", volume.id());
        data.put("auth_method", "CHAP");
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("driver_volume_type", "iscsi");
        info.put("data", data);
        return info;
    }

    @Override
    public void terminateConnection(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        call("terminateConnection");
    }

    @Override
    public void removeExport(VolumeRef volume) throws DriverException {
        call("removeExport");
        exports.remove(volume.storageName());
    }

    @Override
    public void freezeBackend() throws DriverException {
        call("freezeBackend");
    }

    @Override
    public void thawBackend() throws DriverException {
        call("thawBackend");
    }
}
