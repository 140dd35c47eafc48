package org.ebsvolume.drivers.replication;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdHealth;
import org.ebsvolume.drivers.drbd.DrbdHost;
import org.ebsvolume.drivers.drbd.DrbdMetadata;
import org.ebsvolume.drivers.drbd.DrbdNames;
import org.ebsvolume.drivers.drbd.DrbdPortAllocator;
import org.ebsvolume.drivers.drbd.DrbdResourceConfig;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.drivers.drbd.DrbdRole;
import org.ebsvolume.drivers.drbd.DrbdSlot;
import org.ebsvolume.drivers.lvm.LogicalVolume;
import org.ebsvolume.drivers.lvm.LvmNames;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * The backup host's side of replication: what {@code replica_prepare}, {@code replica_resize},
 * {@code replica_remove}, {@code replica_state}, {@code replica_snapshot} and
 * {@code replica_snapshot_remove} do on this node. Each call is idempotent: it
 * looks at what exists (LV, resource file, the kernel's resource) and does only what is missing,
 * so a primary that lost a reply asks again without harm.
 *
 * <p>The caller is already authenticated (worker: HMAC over the broker); this class still checks
 * every value it receives, because a bad one would end up in a resource file or an lvm command:
 * the resource must be {@code volume-<uuid>}, the slot one of this node's range, the primary's
 * address the one configured for that peer.
 *
 * <p>Calls are serialised: two prepares must not pick the same slot check, and a remove must not
 * race a prepare of the same volume.
 */
public final class ReplicaHost {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaHost.class);
    private static final Pattern RESOURCE = Pattern.compile("volume-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    /**
     * @param hostname this node's {@code uname -n} (its {@code on} section in resource files)
     * @param address  this node's replication address ({@code backend_ip})
     */
    public record Settings(String hostname, String address) {
        public Settings {
            DrbdNames.requireHostname(hostname);
            DrbdNames.requireIpv4(address);
        }
    }

    private final Settings settings;
    private final LvmVolumeGroup vg;
    private final BooleanSupplier thin;
    private final DrbdAdm drbd;
    private final DrbdPortAllocator ports;

    /** @param thin whether this backend makes thin volumes (its lvm_type, as its driver decided it) */
    public ReplicaHost(Settings settings, LvmVolumeGroup vg, BooleanSupplier thin, DrbdAdm drbd, DrbdPortAllocator ports) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.vg = Objects.requireNonNull(vg, "vg");
        this.thin = Objects.requireNonNull(thin, "thin");
        this.drbd = Objects.requireNonNull(drbd, "drbd");
        this.ports = Objects.requireNonNull(ports, "ports");
    }

    /** {@code replica_state}. */
    public synchronized ReplicaFacts state(String resource) throws DriverException {
        requireVolumeResource(resource);
        Map<String, DrbdSlot> slots = drbd.files().readSlots();
        Set<Integer> usedPorts = new HashSet<>();
        Set<Integer> usedMinors = new HashSet<>();
        slots.forEach((name, slot) -> {
            if (!name.equals(resource)) {
                usedPorts.add(slot.port());
                usedMinors.add(slot.minor());
            }
        });
        Optional<DrbdResourceState> kernel = drbd.currentState(resource);
        return new ReplicaFacts(settings.hostname(), settings.address(), usedPorts, usedMinors, slots.containsKey(resource),
                vg.find(resource).isPresent(), kernel.map(DrbdResourceState::describe).orElse("down"));
    }

    /**
     * {@code replica_prepare}: the backing LV (thin or thick as this backend's lvm_type, with room
     * for DRBD's metadata), the resource file (the same text the primary writes), {@code create-md}
     * and {@code up}. Done steps are skipped; a step that fails after this call created the LV
     * undoes the call (file, LV) so that nothing half-made stays behind.
     *
     * @param expectedPrimaryAddress the address configured here for the calling peer: the request
     *                               must name it, so a peer cannot point the backup's DRBD elsewhere
     */
    public synchronized ReplicaSide prepare(ReplicaRequest request, String expectedPrimaryAddress) throws DriverException {
        String resource = requireVolumeResource(request.resource());
        if (!request.primary().address().equals(expectedPrimaryAddress)) {
            throw new ReplicaRefusedException("primary address " + request.primary().address()
                    + " is not the address configured for this peer (" + expectedPrimaryAddress + ")");
        }
        if (request.primary().hostname().equals(settings.hostname())) {
            throw new ReplicaRefusedException("the primary's node name " + request.primary().hostname() + " is this node's own");
        }
        if (!ports.inRange(request.slot())) {
            throw new ReplicaRefusedException("port " + request.slot().port() + " / minor " + request.slot().minor()
                    + " is not a DRBD slot of this node (replication_starting_port " + ports.startingPort() + ")");
        }
        boolean hadFile = drbd.files().exists(resource);
        // Held until the file is written (or released when prepare fails): a slot this node's own
        // primary side is allocating at the same moment cannot be handed out twice.
        ports.claim(resource, request.slot());

        boolean thinHere = thin.getAsBoolean();
        boolean fresh = vg.find(resource).isEmpty();
        DrbdHost self = new DrbdHost(settings.hostname(), settings.address(), vg.localPath(resource));
        try {
            if (fresh) {
                LOG.info("Replica of volume {}: creating {} LV {}/{} of {} GiB for primary {}", request.volumeId(),
                        thinHere ? "thin" : "thick", vg.name(), resource, request.sizeGb(), request.primary().hostname());
                if (thinHere) {
                    vg.ensureThinPool();
                }
                vg.createOfBytes(resource, DrbdMetadata.backingBytes(request.sizeGb()), thinHere);
            }
            vg.growTo(resource, DrbdMetadata.backingBytes(request.sizeGb()));
            DrbdResourceConfig config = new DrbdResourceConfig(resource, request.slot().minor(), request.slot().port(),
                    request.protocol(), request.resyncRateKib(), request.primary(), self, Optional.of(DrbdResourceConfig.FENCE_HANDLER));
            drbd.writeResourceFile(config, drbd.dialect());
            if (drbd.currentState(resource).isEmpty()) {
                if (fresh || !hadFile) {
                    drbd.createMetadata(resource);
                }
                drbd.up(resource);
                LOG.info("Replica of volume {}: {} is up on {} (minor {}, port {}), waiting for primary {}", request.volumeId(),
                        resource, settings.hostname(), config.minor(), config.port(), request.primary().hostname());
            } else {
                LOG.info("Replica of volume {}: {} was already up here", request.volumeId(), resource);
            }
        } catch (DriverException | RuntimeException e) {
            if (fresh || !hadFile) {
                undoPrepare(resource, e);
            }
            throw e;
        }
        return new ReplicaSide(self, thinHere && vg.find(resource).map(LogicalVolume::isThin).orElse(false), fresh);
    }

    private void undoPrepare(String resource, Exception failure) {
        LOG.warn("Replica {}: prepare failed ({}); removing what it made", resource, failure.getMessage());
        try {
            removeHere(resource);
        } catch (DriverException | RuntimeException again) {
            failure.addSuppressed(again);
        }
    }

    /** {@code replica_resize}: the backing LV grown for {@code sizeGb} GiB; already that large: done. */
    public synchronized void resize(String resource, int sizeGb) throws DriverException {
        requireVolumeResource(resource);
        if (sizeGb < 1 || sizeGb > ReplicaRequest.MAX_SIZE_GB) {
            throw new ReplicaRefusedException("size " + sizeGb + " GiB is outside 1.." + ReplicaRequest.MAX_SIZE_GB);
        }
        if (vg.find(resource).isEmpty()) {
            throw new DriverException(CinderError.VOLUME_NOT_FOUND, "replica " + resource + " has no LV in " + vg.name() + " on " + settings.hostname());
        }
        if (vg.growTo(resource, DrbdMetadata.backingBytes(sizeGb))) {
            LOG.info("Replica {}: backing LV grown for {} GiB", resource, sizeGb);
        }
    }

    /**
     * {@code replica_remove}: down, resource file, LV. Refused while this node is Primary for the
     * resource: that copy is the one in use (a failover happened), and removing it is never what
     * a primary's delete means.
     */
    public synchronized void remove(String resource) throws DriverException {
        requireVolumeResource(resource);
        removeHere(resource);
    }

    private void removeHere(String resource) throws DriverException {
        Optional<DrbdResourceState> state = drbd.currentState(resource);
        if (state.isPresent()) {
            if (state.get().role() == DrbdRole.PRIMARY) {
                throw new ReplicaRefusedException(resource + " is Primary on " + settings.hostname()
                        + ": refusing to remove the copy in use (" + state.get().describe() + ")");
            }
            drbd.down(resource);
        }
        if (drbd.deleteResourceFile(resource)) {
            LOG.info("Replica {}: resource file removed", resource);
        }
        ports.release(resource);
        // The replica's snapshots go with it: a thin snapshot would outlive its origin and hold
        // the volume's old data in the pool with nothing left that names it.
        for (LogicalVolume lv : vg.listVolumes()) {
            if (resource.equals(lv.origin()) && lv.name().startsWith("_snapshot-")) {
                LOG.info("Replica {}: removing its snapshot {}", resource, lv.name());
                vg.remove(lv.name());
            }
        }
        if (vg.find(resource).isPresent()) {
            vg.remove(resource);
        }
    }

    /**
     * {@code replica_snapshot}: an LVM snapshot {@code _snapshot-<id>} of the replica's backing
     * LV, the copy this node would serve after a failover. Taken only while this copy is
     * Secondary, Connected and UpToDate: then it holds every write the primary acknowledged
     * before the call (protocol C; A and B: within their usual bound), and the snapshot is crash
     * consistent like the primary's. Any other state (resyncing, disconnected, Outdated) would give
     * a snapshot of older data under the snapshot's name, so the call is refused. Already there:
     * done.
     */
    public synchronized void snapshot(String resource, String snapshotId) throws DriverException {
        requireVolumeResource(resource);
        String name = LvmNames.snapshot(snapshotId);
        Optional<LogicalVolume> existing = vg.find(name);
        if (existing.isPresent()) {
            if (!resource.equals(existing.get().origin())) {
                throw new ReplicaRefusedException("LV " + vg.name() + "/" + name + " exists on " + settings.hostname()
                        + " but is not a snapshot of " + resource + " (origin '" + existing.get().origin() + "')");
            }
            return;
        }
        Optional<DrbdResourceState> state = drbd.currentState(resource);
        DrbdHealth health = DrbdHealth.of(resource, state);
        if (state.isEmpty() || state.get().role() != DrbdRole.SECONDARY || health.kind() != DrbdHealth.Kind.UP_TO_DATE) {
            throw new ReplicaRefusedException("the copy of " + resource + " on " + settings.hostname()
                    + " is not a Secondary, Connected and UpToDate (" + health.evidence()
                    + "): a snapshot of it would not hold the volume's current data");
        }
        vg.createSnapshot(name, resource);
        LOG.info("Replica {}: snapshot {} taken on {} ({})", resource, name, settings.hostname(), health.evidence());
    }

    /** {@code replica_snapshot_remove}: the snapshot LV removed; not there: done. */
    public synchronized void removeSnapshot(String snapshotId) throws DriverException {
        String name = LvmNames.snapshot(snapshotId);
        Optional<LogicalVolume> lv = vg.find(name);
        if (lv.isPresent()) {
            if (lv.get().origin() == null || !RESOURCE.matcher(lv.get().origin()).matches()) {
                throw new ReplicaRefusedException("LV " + vg.name() + "/" + name + " is not a snapshot of a replica (origin '"
                        + lv.get().origin() + "')");
            }
            vg.remove(name);
            LOG.info("Replica snapshot {} (of {}) removed on {}", name, lv.get().origin(), settings.hostname());
        }
    }

    private static String requireVolumeResource(String resource) throws ReplicaRefusedException {
        if (resource == null || !RESOURCE.matcher(resource).matches()) {
            throw new ReplicaRefusedException("resource '" + (resource == null ? "" : resource.replaceAll("[^ -~]", "?"))
                    + "' is not volume-<uuid>");
        }
        return resource;
    }

    /** A request this node will not carry out (bad value, slot taken, copy in use). */
    public static final class ReplicaRefusedException extends DriverException {
        private static final long serialVersionUID = 1L;

        public ReplicaRefusedException(String message) {
            super(CinderError.INVALID_INPUT, message);
        }
    }
}
