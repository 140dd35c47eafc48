package org.ebsvolume.drivers.ebs;

import org.ebsvolume.drivers.CapabilityReport;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.SnapshotRef;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.drivers.lvm.LogicalVolume;
import org.ebsvolume.drivers.lvm.LvmNames;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.drivers.lvm.VolumeGroup;
import org.ebsvolume.drivers.target.ChapCredentials;
import org.ebsvolume.drivers.target.Connector;
import org.ebsvolume.drivers.target.ExportRequest;
import org.ebsvolume.drivers.target.ExportedVolume;
import org.ebsvolume.drivers.target.IscsiTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The EBS driver on one host: volumes are LVs of one volume group (thick, or thin in the
 * {@code <vg>-pool} pool), exported over iSCSI by tgt or LIO, as Cinder's LVM driver with its
 * targets does. Replication (DRBD) builds on the volume it creates.
 */
public final class EbsDriver implements VolumeDriver {

    private static final Logger LOG = LoggerFactory.getLogger(EbsDriver.class);
    private static final double GIB = 1024.0 * 1024 * 1024;

    /** The backend section values the driver needs. */
    public record Settings(String backendName, String volumeBackendName, String lvmType, int lvmMirrors,
                           String hostname, int reservedPercentage, String maxOverSubscriptionRatio,
                           String targetPrefix, String targetIp, List<String> secondaryIps, int targetPort) {
    }

    private final Settings settings;
    private final LvmVolumeGroup vg;
    private final IscsiTarget target;
    private volatile boolean thin;

    public EbsDriver(Settings settings, LvmVolumeGroup vg, IscsiTarget target) {
        this.settings = settings;
        this.vg = vg;
        this.target = target;
        this.thin = "thin".equals(settings.lvmType());
    }

    /**
     * {@code check_for_setup_error}: the VG must exist; with {@code lvm_type = thin} the pool is
     * created on first use; {@code auto} means thin when a pool already exists.
     */
    @Override
    public void initialize() throws DriverException {
        if (!vg.exists()) {
            throw new DriverException("VolumeBackendAPIException", "Volume Group " + vg.name() + " does not exist");
        }
        if ("thin".equals(settings.lvmType())) {
            vg.ensureThinPool();
        } else if ("auto".equals(settings.lvmType())) {
            thin = vg.find(vg.thinPoolName()).isPresent();
        }
        LOG.info("Backend {}: volume group {} ready ({} volumes)", settings.backendName(), vg.name(), thin ? "thin" : "thick");
    }

    @Override
    public Map<String, Object> stats() throws DriverException {
        VolumeGroup info = vg.info();
        List<LogicalVolume> lvs = vg.listVolumes();
        double total;
        double free;
        double provisioned;
        Optional<LogicalVolume> pool = thin ? lvs.stream().filter(l -> l.name().equals(vg.thinPoolName())).findFirst() : Optional.empty();
        if (pool.isPresent()) {
            total = round2(pool.get().sizeBytes() / GIB);
            double used = pool.get().dataPercent().orElse(0);
            free = round2(total - total * used / 100);
            provisioned = round2(lvs.stream().filter(l -> !l.name().equals(vg.thinPoolName()))
                    .mapToLong(LogicalVolume::sizeBytes).sum() / GIB);
        } else {
            total = round2(info.sizeBytes() / GIB);
            free = round2(info.freeBytes() / GIB);
            provisioned = round2(total - free);
        }
        return new CapabilityReport(settings.volumeBackendName(), settings.hostname(), vg.name(), thin, settings.lvmMirrors(),
                settings.reservedPercentage(), settings.maxOverSubscriptionRatio())
                .stats(total, free, provisioned, lvs.size(), "up");
    }

    private static double round2(double v) {
        return CapabilityReport.round2(v);
    }

    private static String lvName(VolumeRef v) throws DriverException {
        return LvmNames.volume(v.nameId());
    }

    @Override
    public Map<String, Object> createVolume(VolumeRef volume) throws DriverException {
        if (thin) {
            vg.createThin(lvName(volume), volume.sizeGb());
        } else {
            vg.createThick(lvName(volume), volume.sizeGb());
        }
        return Map.of();
    }

    /** A volume whose LV is already gone is deleted, as Cinder's LVM driver treats it. */
    @Override
    public void deleteVolume(VolumeRef volume) throws DriverException {
        Optional<LogicalVolume> lv = vg.find(lvName(volume));
        if (lv.isEmpty()) {
            LOG.warn("Volume {}: logical volume {} not found in {}; treating as deleted", volume.id(), lvName(volume), vg.name());
            return;
        }
        if (lv.get().hasSnapshots()) {
            throw new DriverException("VolumeIsBusy", "volume " + volume.id() + " has snapshots");
        }
        vg.remove(lvName(volume));
    }

    @Override
    public void extendVolume(VolumeRef volume, int newSizeGb) throws DriverException {
        vg.extend(lvName(volume), newSizeGb);
    }

    /** The LV a manage request names ({@code {"source-name": "<lv>"}}), as Cinder's LVM driver reads it. */
    private LogicalVolume managed(Map<String, Object> ref) throws DriverException {
        Object name = ref == null ? null : ref.get("source-name");
        if (!(name instanceof String lv) || lv.isBlank()) {
            throw new DriverException("ManageExistingInvalidReference",
                    "Manage existing volume failed due to invalid backend reference " + ref + ": source-name is required");
        }
        LvmNames.requireValidLvName(lv);
        return vg.find(lv).orElseThrow(() -> new DriverException("ManageExistingInvalidReference",
                "Manage existing volume failed due to invalid backend reference " + ref
                        + ": Specified logical volume does not exist."));
    }

    @Override
    public int manageExistingSize(VolumeRef volume, Map<String, Object> ref) throws DriverException {
        return (int) Math.ceil(managed(ref).sizeBytes() / GIB);
    }

    @Override
    public Map<String, Object> manageExisting(VolumeRef volume, Map<String, Object> ref) throws DriverException {
        LogicalVolume lv = managed(ref);
        if (lv.name().equals(vg.thinPoolName())) {
            throw new DriverException("ManageExistingInvalidReference", "the thin pool " + lv.name() + " cannot be managed");
        }
        if (!lv.name().equals(lvName(volume))) {
            vg.rename(lv.name(), lvName(volume));
        }
        return Map.of();
    }

    @Override
    public Map<String, Object> createSnapshot(SnapshotRef snapshot) throws DriverException {
        vg.createSnapshot(LvmNames.snapshot(snapshot.id()), lvName(snapshot.volume()));
        return Map.of();
    }

    @Override
    public void deleteSnapshot(SnapshotRef snapshot) throws DriverException {
        String name = LvmNames.snapshot(snapshot.id());
        if (vg.find(name).isPresent()) {
            vg.remove(name);
        }
    }

    @Override
    public Map<String, Object> createExport(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        ChapCredentials chap = volume.providerAuth() != null
                ? ChapCredentials.fromProviderAuth(volume.providerAuth()) : ChapCredentials.generate();
        var result = target.createExport(new ExportRequest(volume.id(), lvName(volume), "/dev/" + vg.name() + "/" + lvName(volume),
                chap, settings.targetPrefix(), settings.targetIp(), settings.secondaryIps(), settings.targetPort()));
        return result.modelUpdate();
    }

    private ExportedVolume exported(VolumeRef volume) throws DriverException {
        return new ExportedVolume(volume.id(), lvName(volume), volume.providerLocation(), volume.providerAuth(), false);
    }

    @Override
    public Map<String, Object> initializeConnection(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        return target.initializeConnection(exported(volume), Connector.from(connector));
    }

    @Override
    public void terminateConnection(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        if (connector == null || connector.get("initiator") == null) {
            return; // a forced detach without a connector: nothing per-initiator to remove
        }
        target.terminateConnection(exported(volume), Connector.from(connector));
    }

    @Override
    public void removeExport(VolumeRef volume) throws DriverException {
        target.removeExport(exported(volume));
    }

    @Override
    public void freezeBackend() {
        // The data path keeps serving while frozen; only lifecycle operations are refused (by Cinder).
    }

    @Override
    public void thawBackend() {
        // See freezeBackend.
    }
}
