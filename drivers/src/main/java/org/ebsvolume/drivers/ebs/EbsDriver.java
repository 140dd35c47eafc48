package org.ebsvolume.drivers.ebs;

import org.ebsvolume.drivers.CapabilityReport;
import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.SnapshotRef;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.drivers.copy.BlockDeviceCopier;
import org.ebsvolume.drivers.image.GlanceImage;
import org.ebsvolume.drivers.image.ImageCopier;
import org.ebsvolume.drivers.initiator.IscsiInitiator;
import org.ebsvolume.drivers.lvm.LogicalVolume;
import org.ebsvolume.drivers.lvm.LvmNames;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.drivers.lvm.VolumeGroup;
import org.ebsvolume.drivers.replication.ReplicatedVolumes;
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
import java.util.Objects;
import java.util.Optional;

/**
 * The EBS driver on one host: volumes are LVs of one volume group (thick, or thin in the
 * {@code <vg>-pool} pool), exported over iSCSI by tgt or LIO, as Cinder's LVM driver with its
 * targets does. Replication (DRBD) builds on the volume it creates.
 */
public final class EbsDriver implements VolumeDriver {

    private static final Logger LOG = LoggerFactory.getLogger(EbsDriver.class);
    private static final double GIB = 1024.0 * 1024 * 1024;

    private static final long GIB_BYTES = 1L << 30;
    private static final long MIB_BYTES = 1L << 20;

    /**
     * The backend section values the driver needs. The worker builds them from the config module's
     * records: this module does not depend on that one, so these are the driver's own view of them.
     *
     * @param backendName       the section name, for log lines
     * @param volumeBackendName the pool name reported to the scheduler
     * @param hostname          this node's host name: Cinder's {@code location_info} carries it,
     *                          and a migration is local when the destination names the same one
     * @param lvm               how volumes are made and wiped
     * @param target            where volumes are exported
     * @param capacity          what the scheduler is told about over-subscription
     */
    public record Settings(String backendName, String volumeBackendName, String hostname, Lvm lvm, Target target,
                           Capacity capacity) {

        public Settings {
            Objects.requireNonNull(backendName, "backendName");
            Objects.requireNonNull(volumeBackendName, "volumeBackendName");
            Objects.requireNonNull(hostname, "hostname");
            Objects.requireNonNull(lvm, "lvm");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(capacity, "capacity");
        }
    }

    /**
     * The LVM side ({@code lvm_type}, {@code lvm_mirrors}, {@code volume_clear},
     * {@code volume_clear_size}).
     *
     * @param provisioning       thick, thin, or thin when the VG has a pool
     * @param mirrors            reported as {@code lvm_mirrors}
     * @param volumeClear        how a deleted thick volume is wiped
     * @param volumeClearSizeMib MiB wiped at the start of the volume, 0 for all of it
     */
    public record Lvm(Provisioning provisioning, int mirrors, VolumeClear volumeClear, int volumeClearSizeMib) {

        public Lvm {
            Objects.requireNonNull(provisioning, "provisioning");
            Objects.requireNonNull(volumeClear, "volumeClear");
        }
    }

    /**
     * Where and under what name volumes are exported ({@code target_prefix},
     * {@code target_ip_address}, {@code target_secondary_ip_addresses}, {@code target_port}).
     * No CHAP settings: each export's credentials are the volume's provider_auth, or generated.
     */
    public record Target(String prefix, String ip, List<String> secondaryIps, int port) {

        public Target {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(ip, "ip");
            secondaryIps = List.copyOf(secondaryIps);
        }
    }

    /**
     * What the capability report adds to the pool's sizes ({@code reserved_percentage},
     * {@code max_over_subscription_ratio}: "auto" or a ratio as Python prints it).
     */
    public record Capacity(int reservedPercentage, String maxOverSubscriptionRatio) {

        public Capacity {
            Objects.requireNonNull(maxOverSubscriptionRatio, "maxOverSubscriptionRatio");
        }
    }

    /** {@code lvm_type}, as what it means for the volumes this driver makes. */
    public enum Provisioning {
        /** {@code default}: thick LVs. */
        THICK,
        /** {@code thin}: thin LVs in {@code <vg>-pool}, which {@link #initialize()} creates if it is missing. */
        THIN,
        /** {@code auto}: thin when the VG already has its pool, thick otherwise. */
        AUTO;

        /**
         * Whether this backend makes thin volumes in {@code vg}: the one place that decides it,
         * for the driver and for the replicas its backup keeps. Only {@link #AUTO} looks at the VG.
         */
        public boolean makesThinVolumes(LvmVolumeGroup vg) throws DriverException {
            return switch (this) {
                case THICK -> false;
                case THIN -> true;
                case AUTO -> vg.find(vg.thinPoolName()).isPresent();
            };
        }
    }

    /** {@code volume_clear}: what a deleted thick volume's extents hold when they go back to the VG. */
    public enum VolumeClear {
        /** {@code none}: the old data, readable by the next volume there. */
        NONE,
        /** {@code zero}: zeros over the first {@code volume_clear_size} MiB, or all of it. */
        ZERO
    }

    private final Settings settings;
    private final LvmVolumeGroup vg;
    private final IscsiTarget target;
    private final BlockDeviceCopier copier;
    private final IscsiInitiator initiator;
    private final ImageCopier images;
    /** Null when the backend has no replication_device: no volume is replicated. */
    private final ReplicatedVolumes replication;
    private volatile boolean thin;
    /** initialize() succeeded once: a later call (a taken-over identity's service start) has nothing to check. */
    private volatile boolean ready;

    /**
     * @param images null when no {@code glance_api_servers} is configured: image operations then
     *               fail with a message that says so
     */
    public EbsDriver(Settings settings, LvmVolumeGroup vg, IscsiTarget target, BlockDeviceCopier copier, IscsiInitiator initiator,
                     ImageCopier images) {
        this(settings, vg, target, copier, initiator, images, null);
    }

    /** @param replication null without a replication_device: then no volume is replicated */
    public EbsDriver(Settings settings, LvmVolumeGroup vg, IscsiTarget target, BlockDeviceCopier copier, IscsiInitiator initiator,
                     ImageCopier images, ReplicatedVolumes replication) {
        this.replication = replication;
        this.settings = settings;
        this.vg = vg;
        this.target = target;
        this.copier = copier;
        this.initiator = initiator;
        this.images = images;
        // Until initialize() has looked at the VG: what stats() reports if it never succeeds.
        this.thin = settings.lvm().provisioning() == Provisioning.THIN;
    }

    /**
     * {@code check_for_setup_error}: the VG must exist; with {@code lvm_type = thin} the pool is
     * created on first use; {@code auto} means thin when a pool already exists. Once it succeeded,
     * later calls return at once.
     */
    @Override
    public void initialize() throws DriverException {
        if (ready) {
            return;
        }
        if (!vg.exists()) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "Volume Group " + vg.name() + " does not exist");
        }
        Provisioning provisioning = settings.lvm().provisioning();
        if (provisioning == Provisioning.THIN) {
            vg.ensureThinPool();
        }
        thin = provisioning.makesThinVolumes(vg);
        LOG.info("Backend {}: volume group {} ready ({} volumes)", settings.backendName(), vg.name(), thin ? "thin" : "thick");
        ready = true;
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
        Map<String, Object> stats = new CapabilityReport(settings.volumeBackendName(), settings.hostname(), vg.name(), thin,
                settings.lvm().mirrors(), settings.capacity().reservedPercentage(),
                settings.capacity().maxOverSubscriptionRatio())
                .stats(total, free, provisioned, lvs.size(), "up");
        if (replication != null) {
            CapabilityReport.addReplication(stats, replication.capabilities());
        }
        return stats;
    }

    private static double round2(double v) {
        return CapabilityReport.round2(v);
    }

    private static String lvName(VolumeRef v) throws DriverException {
        return LvmNames.volume(v.nameId());
    }

    @Override
    public Map<String, Object> createVolume(VolumeRef volume) throws DriverException {
        if (replication != null && volume.replicated()) {
            // With DRBD's room already: replicate() then has no LV to grow.
            vg.createOfBytes(lvName(volume), ReplicatedVolumes.backingBytes(volume.sizeGb()), thin);
        } else {
            createEmpty(vg, thin, volume);
        }
        return created(volume, ReplicatedVolumes.Content.BLANK);
    }

    private static void createEmpty(LvmVolumeGroup group, boolean thinVolume, VolumeRef volume) throws DriverException {
        if (thinVolume) {
            group.createThin(lvName(volume), volume.sizeGb());
        } else {
            group.createThick(lvName(volume), volume.sizeGb());
        }
    }

    /**
     * Where every path that makes a volume (blank, from snapshot, clone, migration, manage) ends
     * with the LV in place: the model update for Cinder's row. Replication hands the new LV to
     * DRBD here, so no creation path can forget it.
     */
    private Map<String, Object> created(VolumeRef volume) throws DriverException {
        return created(volume, ReplicatedVolumes.Content.COPIED);
    }

    /**
     * A replicated volume's LV goes under DRBD here; if that fails the LV is removed too (a
     * managed LV is kept: it holds the user's data), so the volume ends {@code error} with
     * nothing half-made.
     */
    private Map<String, Object> created(VolumeRef volume, ReplicatedVolumes.Content content) throws DriverException {
        if (replication == null || !volume.replicated()) {
            return Map.of();
        }
        if (content == ReplicatedVolumes.Content.MANAGED) {
            return replication.replicate(volume, content);
        }
        Map<String, Object> update = new LinkedHashMap<>();
        undoOnFailure(lvName(volume), () -> update.putAll(replication.replicate(volume, content)));
        return update;
    }

    /**
     * Thin: a thin snapshot of the snapshot becomes the volume (no data copied), grown when the
     * volume is larger, then activated permanently (thin snapshots skip activation at boot
     * otherwise). Thick: a new LV and a dd of the snapshot's content. Either way a failure
     * removes the half-made LV.
     */
    @Override
    public Map<String, Object> createVolumeFromSnapshot(VolumeRef volume, SnapshotRef snapshot) throws DriverException {
        String snapshotLv = LvmNames.snapshot(snapshot.id());
        LogicalVolume source = vg.find(snapshotLv).orElseThrow(() -> new DriverException(CinderError.SNAPSHOT_NOT_FOUND,
                "Snapshot " + snapshot.id() + " could not be found: no LV " + vg.name() + "/" + snapshotLv));
        long contentBytes = snapshot.volumeSizeGb() > 0 ? snapshot.volumeSizeGb() * GIB_BYTES : source.sizeBytes();
        String name = lvName(volume);
        if (source.isThin()) {
            vg.createSnapshot(name, snapshotLv);
            undoOnFailure(name, () -> {
                if (volume.sizeGb() * GIB_BYTES > contentBytes) {
                    vg.extend(name, volume.sizeGb());
                }
                vg.activatePermanently(name);
            });
        } else {
            createEmpty(vg, thin, volume);
            undoOnFailure(name, () -> {
                vg.activate(snapshotLv);
                copier.copy(vg.localPath(snapshotLv), vg.localPath(name), contentBytes, thin);
            });
        }
        return created(volume);
    }

    /**
     * Thin: a thin snapshot of the source becomes the clone. Thick: a temporary snapshot
     * {@code clone-snap-<new id>} gives a consistent source while the original stays writable,
     * the data is copied from it, and the temporary snapshot is removed whatever happened.
     */
    @Override
    public Map<String, Object> createClonedVolume(VolumeRef volume, VolumeRef sourceVolume) throws DriverException {
        String sourceLv = lvName(sourceVolume);
        LogicalVolume source = vg.find(sourceLv).orElseThrow(() -> new DriverException(CinderError.VOLUME_NOT_FOUND,
                "Volume " + sourceVolume.id() + " could not be found: no LV " + vg.name() + "/" + sourceLv));
        String name = lvName(volume);
        if (source.isThin()) {
            vg.createSnapshot(name, sourceLv);
            undoOnFailure(name, () -> {
                if (volume.sizeGb() * GIB_BYTES > source.sizeBytes()) {
                    vg.extend(name, volume.sizeGb());
                }
                vg.activatePermanently(name);
            });
            return created(volume);
        }
        String temporary = LvmNames.cloneSnapshot(volume.id());
        vg.createSnapshot(temporary, sourceLv);
        try {
            createEmpty(vg, thin, volume);
            undoOnFailure(name, () -> {
                vg.activate(temporary);
                copier.copy(vg.localPath(temporary), vg.localPath(name), dataBytes(sourceVolume, source), thin);
            });
        } finally {
            removeSnapshotLv(temporary);
        }
        return created(volume);
    }

    /** A volume's data in its LV: all of it, except the room behind a replicated volume's data that DRBD's metadata takes. */
    private static long dataBytes(VolumeRef volume, LogicalVolume lv) {
        return volume.replicated() && volume.sizeGb() > 0 ? Math.min(lv.sizeBytes(), volume.sizeGb() * GIB_BYTES) : lv.sizeBytes();
    }

    @Override
    public void revertToSnapshot(VolumeRef volume, SnapshotRef snapshot) throws DriverException {
        if (replication != null && replication.isReplicatedHere(volume)) {
            // A merge rewrites the LV under DRBD: the backup would silently keep the newer data.
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "volume " + volume.id()
                    + " is replicated: reverting it to a snapshot is not supported yet");
        }
        vg.revertToSnapshot(lvName(volume), LvmNames.snapshot(snapshot.id()));
    }

    /**
     * Cinder's LVM storage-assisted migration: only to another volume group of this same node
     * ({@code location_info} {@code LVMVolumeDriver:<this hostname>:<other vg>:<type>:<mirrors>}),
     * which is also how a retype between a thin and a thick backend of one node moves the data.
     * Anything else (another node, another driver) is left to the generic migration.
     */
    @Override
    public Optional<Map<String, Object>> migrateVolume(VolumeRef volume, String destinationHost,
                                                       Map<String, Object> capabilities) throws DriverException {
        Object info = capabilities == null ? null : capabilities.get("location_info");
        String[] parts = info instanceof String text ? text.split(":", -1) : new String[0];
        if (volume.replicated()) {
            // The copy would land in another backend's VG, outside this backend's DRBD resource;
            // the generic migration creates the destination through its own backend instead.
            LOG.info("Volume {} is replicated; using generic migration to {}", volume.id(), destinationHost);
            return Optional.empty();
        }
        if (parts.length != 5 || !"LVMVolumeDriver".equals(parts[0]) || !settings.hostname().equals(parts[1])) {
            LOG.info("Volume {}: destination {} ({}) is not a volume group of this node; using generic migration",
                    volume.id(), destinationHost, info);
            return Optional.empty();
        }
        if (parts[2].equals(vg.name())) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "Refusing to migrate volume ID: " + volume.id()
                    + ". Please check your configuration because source and destination are the same Volume Group: " + vg.name());
        }
        LvmVolumeGroup destination = vg.sibling(parts[2]);
        if (!destination.exists()) {
            LOG.info("Volume {}: destination volume group {} is not on this node; using generic migration", volume.id(), parts[2]);
            return Optional.empty();
        }
        boolean destinationThin = "thin".equals(parts[3]);
        if (destinationThin) {
            destination.ensureThinPool();
        }
        String name = lvName(volume);
        LogicalVolume source = vg.find(name).orElseThrow(() -> new DriverException(CinderError.VOLUME_NOT_FOUND,
                "Volume " + volume.id() + " could not be found: no LV " + vg.name() + "/" + name));
        LOG.info("Volume {}: migrating {}/{} to {}/{} ({}) on this node", volume.id(), vg.name(), name, parts[2], name,
                destinationThin ? "thin" : "thick");
        createEmpty(destination, destinationThin, volume);
        try {
            copier.copy(vg.localPath(name), destination.localPath(name), source.sizeBytes(), destinationThin);
        } catch (DriverException e) {
            try {
                destination.remove(name);
            } catch (DriverException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        deleteVolume(volume);
        return Optional.of(created(volume));
    }

    /**
     * Logs in to the destination volume, copies this volume's LV onto it (sparse: the destination
     * is a fresh volume, which reads back zeros where nothing is written), and always logs out.
     */
    @Override
    public void copyVolumeTo(VolumeRef source, Map<String, Object> destinationConnectionInfo) throws DriverException {
        String name = lvName(source);
        LogicalVolume lv = vg.find(name).orElseThrow(() -> new DriverException(CinderError.VOLUME_NOT_FOUND,
                "Volume " + source.id() + " could not be found: no LV " + vg.name() + "/" + name));
        IscsiInitiator.IscsiTarget destination = IscsiInitiator.IscsiTarget.fromConnectionInfo(destinationConnectionInfo);
        java.nio.file.Path device = initiator.connect(destination);
        DriverException failure = null;
        try {
            copier.copy(vg.localPath(name), device.toString(), dataBytes(source, lv), true);
        } catch (DriverException e) {
            failure = e;
        } finally {
            try {
                initiator.disconnect(destination);
            } catch (DriverException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public Map<String, Object> localConnector() throws DriverException {
        return initiator.connector(settings.hostname(), settings.target().ip());
    }

    /**
     * As Cinder's LVM driver: an available volume's LV is renamed to the original volume's name,
     * so the volume keeps {@code volume-<its id>} on its new node; if the rename fails (or the
     * volume was in use) it stays under the new name, recorded in {@code _name_id}.
     */
    @Override
    public Map<String, Object> updateMigratedVolume(VolumeRef volume, VolumeRef newVolume, String originalStatus)
            throws DriverException {
        Map<String, Object> update = new LinkedHashMap<>();
        if ("available".equals(originalStatus)) {
            try {
                vg.rename(lvName(newVolume), LvmNames.volume(volume.id()));
                update.put("_name_id", null);
                update.put("provider_location", null);
                return update;
            } catch (DriverException e) {
                LOG.error("Unable to rename the logical volume for volume {}: {}", volume.id(), e.getMessage());
            }
        }
        update.put("_name_id", newVolume.nameId());
        update.put("provider_location", newVolume.providerLocation());
        return update;
    }

    private ImageCopier images() throws DriverException {
        if (images == null) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "no Glance API server is configured ([DEFAULT] glance_api_servers)");
        }
        return images;
    }

    /** qemu-img converts the downloaded image straight onto the LV's device. */
    @Override
    public Map<String, String> copyImageToVolume(VolumeRef volume, String imageId, String token) throws DriverException {
        GlanceImage image = images().copyImageToVolume(imageId, token, java.nio.file.Path.of(localPath(volume)), volume.sizeGb());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("image_id", image.id());
        meta.put("image_name", image.name());
        image.checksum().ifPresent(c -> meta.put("checksum", c));
        meta.put("container_format", image.containerFormat());
        meta.put("disk_format", image.diskFormat());
        meta.put("min_disk", Long.toString(image.minDisk()));
        meta.put("min_ram", Long.toString(image.minRam()));
        image.size().ifPresent(size -> meta.put("size", Long.toString(size)));
        return meta;
    }

    @Override
    public void copyVolumeToImage(VolumeRef volume, String imageId, String diskFormat, String token) throws DriverException {
        String name = lvName(volume);
        LogicalVolume lv = vg.find(name).orElseThrow(() -> new DriverException(CinderError.VOLUME_NOT_FOUND,
                "Volume " + volume.id() + " could not be found: no LV " + vg.name() + "/" + name));
        if (lv.skipsActivation() && !lv.isActive()) {
            vg.activate(name);
        }
        images().copyVolumeToImage(imageId, token, java.nio.file.Path.of(vg.localPath(name)), diskFormat);
    }

    @Override
    public String localPath(VolumeRef volume) throws DriverException {
        if (replication != null && volume.replicated()) {
            Optional<String> drbd = replication.exportDevice(volume);
            if (drbd.isPresent()) {
                return drbd.get();   // writes (an image copy) must reach the backup too
            }
        }
        return vg.localPath(lvName(volume));
    }

    private interface Step {
        void run() throws DriverException;
    }

    /** Runs {@code step}; if it fails, removes the LV it was completing, so no half-made volume stays. */
    private void undoOnFailure(String lv, Step step) throws DriverException {
        try {
            step.run();
        } catch (DriverException e) {
            LOG.warn("Removing {}/{} after a failed step: {}", vg.name(), lv, e.getMessage());
            try {
                vg.remove(lv);
            } catch (DriverException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /**
     * LVM needs nothing for a retype, except when the new type turns replication on or off. On:
     * the LV goes under DRBD and is sent to the backup in full (like a managed LV: if that fails,
     * the LV and its data stay as they were). Off: DRBD comes down on both nodes, the replica goes,
     * the LV keeps the data. Either way the volume must be detached: its export holds the device
     * DRBD must claim or give back.
     */
    @Override
    public Optional<Map<String, Object>> retype(VolumeRef volume, boolean replicatedType, boolean attached) throws DriverException {
        if (replicatedType == volume.replicated()) {
            return Optional.of(Map.of());
        }
        if (replication == null) {
            throw new DriverException(CinderError.INVALID_VOLUME, "volume " + volume.id() + ": this backend has no replication_device,"
                    + " so it cannot serve a replicated volume type");
        }
        if (attached) {
            throw new DriverException(CinderError.INVALID_VOLUME, "volume " + volume.id() + " is attached; detach it before a retype that "
                    + (replicatedType ? "turns replication on" : "turns replication off"));
        }
        if (vg.find(lvName(volume)).isEmpty()) {
            throw new DriverException(CinderError.VOLUME_NOT_FOUND, "volume " + volume.id() + ": logical volume " + lvName(volume)
                    + " not found in " + vg.name());
        }
        if (replicatedType) {
            LOG.info("Volume {}: retype to a replicated type: replicating its data to {}", volume.id(), replication.targetBackendId());
            VolumeRef replicated = new VolumeRef(volume.id(), volume.nameId(), volume.sizeGb(), volume.host(),
                    volume.providerLocation(), volume.providerAuth(), volume.volumeTypeId(), true);
            return Optional.of(replication.replicate(replicated, ReplicatedVolumes.Content.MANAGED));
        }
        LOG.info("Volume {}: retype to a type without replication: ending its replication to {}", volume.id(),
                replication.targetBackendId());
        return Optional.of(replication.unreplicate(volume));
    }

    /** A volume whose LV is already gone is deleted, as Cinder's LVM driver treats it. */
    @Override
    public void deleteVolume(VolumeRef volume) throws DriverException {
        Optional<LogicalVolume> lv = vg.find(lvName(volume));
        if (lv.isEmpty()) {
            if (replication != null && volume.replicated()) {
                replication.delete(volume);
            }
            LOG.warn("Volume {}: logical volume {} not found in {}; treating as deleted", volume.id(), lvName(volume), vg.name());
            return;
        }
        if (lv.get().hasSnapshots()) {
            throw new DriverException(CinderError.VOLUME_IS_BUSY, "volume " + volume.id() + " has snapshots");
        }
        if (replication != null && volume.replicated()) {
            replication.delete(volume);
        }
        if (wipes() && !lv.get().isThin()) {
            // A thin LV's blocks return to the pool and read back as zeros; a thick LV's extents
            // would hand the old data to the next volume.
            int clearMib = settings.lvm().volumeClearSizeMib();
            long bytes = clearMib > 0 ? clearMib * MIB_BYTES : lv.get().sizeBytes();
            if (!lv.get().isActive()) {
                vg.activate(lvName(volume));
            }
            copier.zero(vg.localPath(lvName(volume)), Math.min(bytes, lv.get().sizeBytes()));
        }
        vg.remove(lvName(volume));
    }

    private boolean wipes() {
        return settings.lvm().volumeClear() == VolumeClear.ZERO;
    }

    @Override
    public void extendVolume(VolumeRef volume, int newSizeGb) throws DriverException {
        if (replication != null && replication.isReplicatedHere(volume)) {
            replication.extend(volume, newSizeGb);
            return;
        }
        vg.extend(lvName(volume), newSizeGb);
    }

    /** The LV a manage request names ({@code {"source-name": "<lv>"}}), as Cinder's LVM driver reads it. */
    private LogicalVolume managed(Map<String, Object> ref) throws DriverException {
        Object name = ref == null ? null : ref.get("source-name");
        if (!(name instanceof String lv) || lv.isBlank()) {
            throw new DriverException(CinderError.MANAGE_EXISTING_INVALID_REFERENCE,
                    "Manage existing volume failed due to invalid backend reference " + ref + ": source-name is required");
        }
        LvmNames.requireValidLvName(lv);
        return vg.find(lv).orElseThrow(() -> new DriverException(CinderError.MANAGE_EXISTING_INVALID_REFERENCE,
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
            throw new DriverException(CinderError.MANAGE_EXISTING_INVALID_REFERENCE, "the thin pool " + lv.name() + " cannot be managed");
        }
        if (!lv.name().equals(lvName(volume))) {
            vg.rename(lv.name(), lvName(volume));
        }
        return created(volume, ReplicatedVolumes.Content.MANAGED);
    }

    @Override
    public Map<String, Object> createSnapshot(SnapshotRef snapshot) throws DriverException {
        vg.createSnapshot(LvmNames.snapshot(snapshot.id()), lvName(snapshot.volume()));
        if (replicatedHere(snapshot.volume())) {
            // The backup takes the same snapshot of its copy, so the snapshot outlives this node.
            replication.snapshot(snapshot.volume(), snapshot.id());
        }
        return Map.of();
    }

    @Override
    public void deleteSnapshot(SnapshotRef snapshot) throws DriverException {
        removeSnapshotLv(LvmNames.snapshot(snapshot.id()));
        if (replicatedHere(snapshot.volume())) {
            replication.removeSnapshot(snapshot.volume(), snapshot.id());
        }
    }

    private boolean replicatedHere(VolumeRef volume) throws DriverException {
        return replication != null && volume.replicated() && replication.isReplicatedHere(volume);
    }

    /**
     * Removes a snapshot LV if it exists. A thick snapshot's copy-on-write area holds the origin's
     * old blocks: with {@code volume_clear = zero} it is wiped first, as Cinder does.
     */
    private void removeSnapshotLv(String name) throws DriverException {
        Optional<LogicalVolume> lv = vg.find(name);
        if (lv.isEmpty()) {
            return;
        }
        if (wipes() && !lv.get().isThin() && lv.get().isActive()) {
            copier.zero(vg.localPath(name) + "-cow", lv.get().sizeBytes());
        }
        vg.remove(name);
    }

    @Override
    public Map<String, Object> createExport(VolumeRef volume, Map<String, Object> connector) throws DriverException {
        ChapCredentials chap = volume.providerAuth() != null
                ? ChapCredentials.fromProviderAuth(volume.providerAuth()) : ChapCredentials.generate();
        String device = "/dev/" + vg.name() + "/" + lvName(volume);
        if (replication != null && volume.replicated()) {
            device = replication.exportDevice(volume).orElse(device);   // a replicated volume is served through DRBD
        }
        var result = target.createExport(new ExportRequest(volume.id(), lvName(volume), device,
                chap, settings.target().prefix(), settings.target().ip(), settings.target().secondaryIps(),
                settings.target().port()));
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
        if (!exportedHere(volume)) {
            // A failover moved the volume here; its target was on the dead primary, and goes with it.
            LOG.info("Volume {}: its export ({}) is not on this host; no initiator to remove here", volume.id(), volume.providerLocation());
            return;
        }
        target.terminateConnection(exported(volume), Connector.from(connector));
    }

    /** Whether the volume's provider_location names one of this host's portals (or nothing: the target decides). */
    private boolean exportedHere(VolumeRef volume) {
        String location = volume.providerLocation();
        if (location == null || location.isBlank()) {
            return true;
        }
        java.util.List<String> ips = new java.util.ArrayList<>(settings.target().secondaryIps());
        ips.add(settings.target().ip());
        return ips.stream().anyMatch(ip -> location.startsWith(ip + ":"));
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
