package org.ebsvolume.worker.replication;

import org.ebsvolume.config.BackendConfig;
import org.ebsvolume.config.CinderConfig;
import org.ebsvolume.config.ReplicationDevice;
import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.drbd.DrbdResourceConfig;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.drivers.time.Pause;
import org.ebsvolume.jobs.ServiceJobs;
import org.ebsvolume.jobs.failover.PeerWatch;
import org.ebsvolume.jobs.failover.PrimaryLease;
import org.ebsvolume.messaging.Notifier;
import org.ebsvolume.messaging.RpcServerSettings;
import org.ebsvolume.messaging.Transport;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ReplicationStatus;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.VolumeRow;
import org.ebsvolume.worker.service.BackendService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Start-up of an EBS backend with {@code replication_device} entries, in the order that keeps
 * one Primary per volume:
 * <ol>
 *   <li>every DRBD resource file here brought up (a reboot left them down);</li>
 *   <li>this host's own identity: served, its volumes Primary here, unless Cinder's row says
 *       the backup serves it after a failover; then this host's copies rejoin as Secondary and
 *       this host does not serve its identity (two hosts heartbeating one services row and
 *       consuming one queue would be two primaries by another name);</li>
 *   <li>the DRBD health task and the fence-peer answers;</li>
 *   <li>for every peer, the failover watch; a take-over this host made before a restart is
 *       resumed at once.</li>
 * </ol>
 * It is the one owner of which Cinder identities this host serves: its own and the peers' it
 * took over. A planned move of an identity is {@link PlannedFailover}'s; the peer's side of it
 * over the replica channel is {@link IdentityHandover}'s.
 */
public final class ReplicatedBackend {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedBackend.class);
    private static final Duration FENCE_POLL = Duration.ofMillis(100);
    /** How long an identity handed over keeps serving: long enough for the reply that handed it over to leave. */
    private static final Duration HANDOVER_REPLY_GRACE = Duration.ofMillis(500);
    /** A volume id no volume has: the automatic failback's probe asks the old primary about it. */
    private static final String PROBE_VOLUME = "00000000-0000-0000-0000-000000000000";

    /** The EBS driver serving a Cinder identity from this host's storage; the composition root makes it. */
    @FunctionalInterface
    public interface IdentityDrivers {
        /**
         * @param host              the Cinder host served: this host's, or a peer's taken over
         * @param volumeBackendName the pool name reported for it (a peer's keeps its own)
         * @param takenOver         whether it is a peer's identity, served from its replicas here
         */
        VolumeDriver driverFor(String host, String volumeBackendName, boolean takenOver);
    }

    private final CinderConfig conf;
    private final BackendConfig backend;
    private final BackendReplication replication;
    private final LvmVolumeGroup vg;
    private final IdentityDrivers drivers;
    private final CinderDatabase db;
    private final Transport transport;
    private final ServiceJobs jobs;
    private final Function<String, Notifier> notifiers;
    private final Consumer<BackendService> started;
    private final String own;
    /** Peers' backend_id -> their Cinder service host. */
    private final Map<String, String> peerIds = new LinkedHashMap<>();
    /** Each peer identity's volume_backend_name, reported while this host serves it. */
    private final Map<String, String> peerBackendNames = new LinkedHashMap<>();
    private final Map<String, PeerWatch> watches = new ConcurrentHashMap<>();
    /**
     * The driver each peer identity would be served with, made and initialized at start: a
     * take-over then starts serving without first checking the VG again (seconds of LVM on a
     * loaded host, while the dead host's volumes wait).
     */
    private final Map<String, VolumeDriver> standbyDrivers = new ConcurrentHashMap<>();
    private final DrbdFenceSpool fenceSpool = new DrbdFenceSpool(DrbdFenceSpool.DEFAULT_DIR);
    // Guarded by this: the identities served here.
    private BackendService ownService;
    private final Map<String, BackendService> peerServices = new LinkedHashMap<>();
    private ReplicaResources resources;

    /**
     * @param notifiers a notifier per served host ({@code volume.<host>}), or null for none
     * @param started   receives every backend service started (own identity, taken-over peers)
     */
    public ReplicatedBackend(CinderConfig conf, BackendConfig backend, BackendReplication replication, LvmVolumeGroup vg,
                             IdentityDrivers drivers, CinderDatabase db, Transport transport, ServiceJobs jobs,
                             Function<String, Notifier> notifiers, Consumer<BackendService> started) {
        this.conf = conf;
        this.backend = backend;
        this.replication = replication;
        this.vg = vg;
        this.drivers = drivers;
        this.db = db;
        this.transport = transport;
        this.jobs = jobs;
        this.notifiers = notifiers;
        this.started = Objects.requireNonNull(started, "started");
        this.own = conf.serviceHost(backend);
    }

    /** How often the backup looks at its peers and DRBD: half the heartbeat, at least a second. */
    Duration watchInterval() {
        return Duration.ofMillis(Math.max(1000, conf.reportInterval() * 500L));
    }

    public void start() throws Exception {
        requireFenceHandler();
        fenceSpool.open();
        resources = new ReplicaResources(own, db, replication.drbd(), vg,
                new PrimaryLease(Duration.ofSeconds(conf.serviceDownTime()), db.clock().instant()));
        resources.bringUp();
        if (resources.identityServedElsewhere()) {
            LOG.warn("{} was failed over: its backup serves it now. This host does not serve it; its copies rejoin as"
                    + " Secondary and re-sync from the backup. Fail back with `cinder failover-host {} --backend_id default`.",
                    own, own);
            resources.rejoinAsSecondary();
        } else {
            resources.promoteOwnVolumes();
            serveOwn();
        }
        resources.whenServedElsewhere(this::yieldOwnIdentity);
        Duration health = Duration.ofSeconds(Math.max(1, conf.reportInterval()));
        jobs.every("drbd-health-" + backend.name(), health, health, resources::check);
        // DRBD's fence-peer handler waits on this: a Primary that lost its peer has its I/O frozen
        // until the answer, so it is looked for often.
        jobs.every("drbd-fence-peer-" + backend.name(), FENCE_POLL, FENCE_POLL, now -> resources.answerFenceRequests(fenceSpool, now));
        for (ReplicationDevice device : backend.replication().devices()) {
            String peer = BackendReplication.peerServiceHost(device, backend);
            peerIds.put(device.backendId(), peer);
            peerBackendNames.put(peer, BackendReplication.peerVolumeBackendName(device, backend));
            standbyDriver(peer);
            PeerFailover failover = new PeerFailover(new PeerFailover.Settings(peer, replication.backendId(),
                    Duration.ofSeconds(conf.serviceDownTime())), db, replication.drbd(), vg, this::servePeer);
            PeerWatch watch = failover.watch();
            watches.put(peer, watch);
            failover.resumeAfterRestart(watch);
            jobs.every("failover-watch-" + peer, watchInterval(), watchInterval(), watch);
            LOG.info("Backend {}: watching {} (backup {}) every {} ms; it is taken over when its DRBD links are down, its"
                            + " heartbeat is older than service_down_time ({} s) and Cinder's database answers here",
                    backend.name(), peer, device.backendId(), watchInterval().toMillis(), conf.serviceDownTime());
        }
        replication.endpoint().setIdentityHandover(new IdentityHandover(this));
    }

    /**
     * Every resource file names the fence-peer handler; without it DRBD would keep a Primary that
     * lost its peer frozen for good, and refuse every take-over. Refuse to start instead.
     */
    private static void requireFenceHandler() throws DriverException {
        Path handler = Path.of(DrbdResourceConfig.FENCE_HANDLER);
        if (!Files.isExecutable(handler)) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "DRBD's fence-peer handler " + handler + " is missing or not"
                    + " executable; install it: install -D -m 0755 bin/ebs-drbd-handler " + handler);
        }
    }

    /**
     * The witness says the backup serves this host's identity while this process still serves it:
     * the backup took over while this host was cut off. This host stops serving it (queues,
     * heartbeat). Its copies stay as DRBD's fencing left them (I/O frozen) until the worker
     * restarts, when they rejoin as Secondary (see {@link #start}).
     */
    private void yieldOwnIdentity() {
        BackendService service = releaseOwn();
        if (service != null) {
            LOG.error("{} was taken over by its backup while this host was cut off (Cinder's row says failed-over); this host"
                    + " stops serving it. Its copies stay frozen until this worker restarts and they rejoin as Secondary; then"
                    + " fail back with `cinder failover-host {} --backend_id default`.", own, own);
            stopAfterReply(service);
        }
    }

    // ------------------------------------------------------------ the identities served here

    /** This host's own identity, {@code host@backend}. */
    String ownServiceHost() {
        return own;
    }

    /** Peers' backend_id -> their Cinder service host. */
    Map<String, String> peerIds() {
        return peerIds;
    }

    synchronized void serveOwn() throws Exception {
        if (ownService != null) {
            return;
        }
        ownService = BackendService.start(BackendService.Plan.of(conf, backend, own,
                        drivers.driverFor(conf.host(), backend.volumeBackendName(), false))
                .withReplication(new PlannedFailover.OwnIdentity(this)), db, transport, jobs, notifier(own), RpcServerSettings.defaults());
        started.accept(ownService);
    }

    synchronized BackendService ownService() {
        return ownService;
    }

    /** This host no longer serves its own identity; the service returned is to be stopped. */
    synchronized BackendService releaseOwn() {
        BackendService service = ownService;
        ownService = null;
        return service;
    }

    /** Serves a taken-over peer's identity from this host: its replicas here, promoted. */
    synchronized void servePeer(String peerServiceHost) throws Exception {
        if (peerServices.containsKey(peerServiceHost)) {
            return;
        }
        BackendService service = BackendService.start(BackendService.Plan.ofPeer(conf, backend, peerServiceHost,
                        standbyDriver(peerServiceHost), new PlannedFailover.PeerIdentity(this, peerServiceHost)),
                db, transport, jobs, notifier(peerServiceHost), RpcServerSettings.defaults());
        peerServices.put(peerServiceHost, service);
        started.accept(service);
        LOG.warn("Serving {} from this host (failed over)", peerServiceHost);
        if (backend.replication().autoFailback() && !jobs.isScheduled(autoFailbackJob(peerServiceHost))) {
            AutomaticFailback failback = new AutomaticFailback(peerServiceHost, replication.backendId(), db, replication.drbd(),
                    () -> replication.peer().state(PROBE_VOLUME, "volume-" + PROBE_VOLUME), transport, Pause.SLEEP);
            Duration every = Duration.ofSeconds(Math.max(5, conf.reportInterval()));
            jobs.every(autoFailbackJob(peerServiceHost), every, every, failback);
            LOG.info("{}: replication_auto_failback is on: it is handed back (failback, thaw) once its host is back, in sync"
                    + " and its volumes are detached", peerServiceHost);
        }
    }

    synchronized BackendService peerService(String peerServiceHost) {
        return peerServices.get(peerServiceHost);
    }

    /**
     * A peer's identity handed back: no longer served here (the service returned is to be
     * stopped), its automatic failback cancelled and its failover watch armed again.
     */
    BackendService releasePeer(String peerServiceHost) {
        BackendService service;
        synchronized (this) {
            service = peerServices.remove(peerServiceHost);
        }
        jobs.cancel(autoFailbackJob(peerServiceHost));
        PeerWatch watch = watches.get(peerServiceHost);
        if (watch != null) {
            watch.rearm();
        }
        return service;
    }

    /** The failover watch of a peer this host took over by hand-over, told so: it must not take it over again. */
    void markTakenOver(String peerServiceHost) {
        PeerWatch watch = watches.get(peerServiceHost);
        if (watch != null) {
            watch.markTakenOver();
        }
    }

    /** This host's copies of its own volumes Primary again (a failback handed them back). */
    void promoteOwnVolumes() throws Exception {
        resources.promoteOwnVolumes();
    }

    BackendReplication replication() {
        return replication;
    }

    LvmVolumeGroup vg() {
        return vg;
    }

    CinderDatabase db() {
        return db;
    }

    /** The volumes of {@code serviceHost} in one of {@code statuses} that have a DRBD resource here. */
    List<VolumeRow> volumesWithResourceHere(String serviceHost, ReplicationStatus... statuses) throws SQLException {
        return new ResourceTables(db).volumeRowsByReplication(serviceHost, List.of(statuses)).stream()
                .filter(v -> replication.drbd().files().exists(v.name())).toList();
    }

    /** Stops serving an identity once the reply that handed it over is on its way. */
    void stopAfterReply(BackendService service) {
        jobs.once("handover-" + service.servedHost(), HANDOVER_REPLY_GRACE, now -> service.stop());
    }

    /** The peer identity's driver (see {@link #standbyDrivers}); a failed initialization is retried when it is served. */
    private VolumeDriver standbyDriver(String peerServiceHost) {
        return standbyDrivers.computeIfAbsent(peerServiceHost, peer -> {
            String peerHost = peer.substring(0, peer.indexOf('@'));
            VolumeDriver driver = drivers.driverFor(peerHost, peerBackendNames.getOrDefault(peer, backend.volumeBackendName()), true);
            try {
                driver.initialize();
            } catch (DriverException e) {
                LOG.warn("Backend {}: the driver for {} (served here after a failover) is not ready yet: {}", backend.name(), peer,
                        e.getMessage());
            }
            return driver;
        });
    }

    private static String autoFailbackJob(String peerServiceHost) {
        return "auto-failback-" + peerServiceHost;
    }

    private Notifier notifier(String serviceHost) {
        return notifiers == null ? null : notifiers.apply(serviceHost);
    }
}
