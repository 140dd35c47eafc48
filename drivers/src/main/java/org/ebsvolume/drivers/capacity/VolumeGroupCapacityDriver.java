package org.ebsvolume.drivers.capacity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ebsvolume.drivers.CapabilityReport;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.SnapshotRef;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The backend before the storage driver exists: it reports the configured backend and the
 * capacity of its volume group (read with {@code vgs}; 0 and {@code backend_state: down} when the
 * VG is absent), and answers every storage operation the way Cinder answers for a driver that
 * cannot do it. It holds no volumes, so deleting one is a success.
 */
public final class VolumeGroupCapacityDriver implements VolumeDriver {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeGroupCapacityDriver.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the capability report needs from the backend section. */
    public record Settings(String backendName, String volumeBackendName, String volumeGroup, String lvmType,
                           int lvmMirrors, String storageProtocol, int reservedPercentage,
                           String maxOverSubscriptionRatio, String hostname) {
    }

    private final Settings settings;
    private final CommandExecutor runner;

    public VolumeGroupCapacityDriver(Settings settings, CommandExecutor runner) {
        this.settings = settings;
        this.runner = runner;
    }

    @Override
    public void initialize() {
        // Nothing to set up: no storage is managed yet, and an absent VG shows in the stats.
    }

    @Override
    public Map<String, Object> stats() {
        double total = 0;
        double free = 0;
        String state = "up";
        try {
            var result = runner.run(List.of("vgs", "--noheadings", "--reportformat", "json", "--units", "g", "--nosuffix",
                    "-o", "vg_name,vg_size,vg_free", settings.volumeGroup()));
            JsonNode vg = JSON.readTree(result.stdout()).at("/report/0/vg/0");
            if (vg.isMissingNode()) {
                state = "down";
            } else {
                total = round2(Double.parseDouble(vg.path("vg_size").asText("0")));
                free = round2(Double.parseDouble(vg.path("vg_free").asText("0")));
            }
        } catch (CommandFailedException | IOException | NumberFormatException e) {
            LOG.warn("Backend {}: cannot read volume group {}: {}", settings.backendName(), settings.volumeGroup(), e.getMessage());
            state = "down";
        }
        boolean thin = "thin".equals(settings.lvmType());
        Map<String, Object> stats = new CapabilityReport(settings.volumeBackendName(), settings.hostname(), settings.volumeGroup(),
                thin, settings.lvmMirrors(), settings.reservedPercentage(), settings.maxOverSubscriptionRatio())
                .stats(total, free, CapabilityReport.round2(total - free), 0, state);
        // Without pools the scheduler reads the backend-level state; keep it beside the pool's.
        Map<String, Object> withState = new LinkedHashMap<>(stats);
        withState.put("backend_state", state);
        return withState;
    }

    private static double round2(double v) {
        return CapabilityReport.round2(v);
    }

    private DriverException unsupported(String op) {
        return DriverException.unsupported(op, settings.backendName());
    }

    @Override
    public Map<String, Object> createVolume(VolumeRef volume) throws DriverException {
        throw unsupported("create volume " + volume.id());
    }

    @Override
    public void deleteVolume(VolumeRef volume) {
        LOG.info("Backend {} holds no storage for volume {}; nothing to delete", settings.backendName(), volume.id());
    }

    @Override
    public void extendVolume(VolumeRef volume, int newSizeGb) throws DriverException {
        throw unsupported("extend volume " + volume.id());
    }

    @Override
    public int manageExistingSize(VolumeRef volume, Map<String, Object> ref) throws DriverException {
        throw unsupported("manage " + ref + " as volume " + volume.id());
    }

    @Override
    public Map<String, Object> manageExisting(VolumeRef volume, Map<String, Object> ref) throws DriverException {
        throw unsupported("manage " + ref + " as volume " + volume.id());
    }

    @Override
    public Map<String, Object> createSnapshot(SnapshotRef snapshot) throws DriverException {
        throw unsupported("create snapshot " + snapshot.id());
    }

    @Override
    public void deleteSnapshot(SnapshotRef snapshot) {
        LOG.info("Backend {} holds no storage for snapshot {}; nothing to delete", settings.backendName(), snapshot.id());
    }

    @Override
    public Map<String, Object> createExport(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        throw unsupported("export volume " + volume.id());
    }

    @Override
    public Map<String, Object> initializeConnection(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        throw unsupported("connect volume " + volume.id());
    }

    @Override
    public void terminateConnection(VolumeRef volume, Map<String, Object> connector) {
        // No connection can exist on a backend that exports nothing.
    }

    @Override
    public void removeExport(VolumeRef volume) {
        // No export can exist on a backend that exports nothing.
    }

    @Override
    public void freezeBackend() {
        // Freezing is a control-plane state here; there is no data path to hold.
    }

    @Override
    public void thawBackend() {
        // See freezeBackend.
    }
}
