package org.ebsvolume.worker;

import org.ebsvolume.config.BackendConfig;
import org.ebsvolume.config.CinderConfig;
import org.ebsvolume.config.ReplicationDevice;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.VolumeRef;
import org.ebsvolume.drivers.drbd.DrbdConnectionState;
import org.ebsvolume.drivers.drbd.DrbdDiskState;
import org.ebsvolume.drivers.drbd.DrbdResourceConfig;
import org.ebsvolume.drivers.drbd.DrbdResourceState;
import org.ebsvolume.jobs.ServiceJobs;
import org.ebsvolume.jobs.failover.PeerWatch;
import org.ebsvolume.jobs.failover.PrimaryLease;
import org.ebsvolume.messaging.Notifier;
import org.ebsvolume.messaging.RpcServerSettings;
import org.ebsvolume.messaging.Transport;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.ebsvolume.worker.replication.AutomaticFailback;
import org.ebsvolume.worker.replication.BackendReplication;
import org.ebsvolume.worker.replication.DrbdFenceSpool;
import org.ebsvolume.worker.replication.PeerFailover;
import org.ebsvolume.worker.replication.ReplicaEndpoint;
import org.ebsvolume.worker.replication.ReplicaResources;
import org.ebsvolume.worker.rpc.ReplicationControl;
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
import java.util.Optional;
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
 *   <li>the DRBD health task;</li>
 *   <li>for every peer, the failover watch; a take-over this host made before a restart is
 *       resumed at once.</li>
 * </ol>
 */
final class ReplicatedBackend {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicatedBackend.class);

    private final CinderConfig conf;
    private final BackendConfig backend;
    private final Main.EbsStorage storage;
    private final BackendReplication replication;
    private final CinderDatabase db;
    private final Transport transport;
    private final ServiceJobs jobs;
    private final Function<String, Notifier> notifiers;
    private final Consumer<BackendService> started;
    /** Peers' backend_id -> their Cinder service host. */
    private final Map<String, String> peerIds = new LinkedHashMap<>();
    /** Each peer identity's volume_backend_name, reported while this host serves it. */
    private final Map<String, String> peerBackendNames = new LinkedHashMap<>();
    private final Map<String, PeerWatch> watches = new ConcurrentHashMap<>();
    private final Map<String, BackendService> peerServices = new LinkedHashMap<>();
    /**
     * The driver each peer identity would be served with, made and initialized at start: a
     * take-over then starts serving without first checking the VG again (seconds of LVM on a
     * loaded host, while the dead host's volumes wait).
     */
    private final Map<String, VolumeDriver> standbyDrivers = new ConcurrentHashMap<>();
    private BackendService ownService;
    private ReplicaResources resources;
    private final DrbdFenceSpool fenceSpool = new DrbdFenceSpool(DrbdFenceSpool.DEFAULT_DIR);
    private static final Duration FENCE_POLL = Duration.ofMillis(100);

    /**
     * @param notifiers a notifier per served host ({@code volume.<host>}), or null for none
     * @param started   receives every backend service started (own identity, taken-over peers)
     */
    ReplicatedBackend(CinderConfig conf, BackendConfig backend, Main.EbsStorage storage, CinderDatabase db, Transport transport,
                      ServiceJobs jobs, Function<String, Notifier> notifiers, Consumer<BackendService> started) {
        this.conf = conf;
        this.backend = backend;
        this.storage = storage;
        this.replication = storage.replication().orElseThrow();
        this.db = db;
        this.transport = transport;
        this.jobs = jobs;
        this.notifiers = notifiers;
        this.started = Objects.requireNonNull(started, "started");
    }

    /** How often the backup looks at its peers and DRBD: half the heartbeat, at least a second. */
    Duration watchInterval() {
        return Duration.ofMillis(Math.max(1000, conf.reportInterval() * 500L));
    }

    void start() throws Exception {
        String own = conf.serviceHost(backend);
        requireFenceHandler();
        fenceSpool.open();
        resources = new ReplicaResources(own, db, replication.drbd(), storage.vg(),
                new PrimaryLease(Duration.ofSeconds(conf.serviceDownTime()), java.time.Instant.now()));
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
                    Duration.ofSeconds(conf.serviceDownTime())), db, replication.drbd(), storage.vg(), this::servePeer);
            PeerWatch watch = failover.watch();
            watches.put(peer, watch);
            failover.resumeAfterRestart(watch);
            jobs.every("failover-watch-" + peer, watchInterval(), watchInterval(), watch);
            LOG.info("Backend {}: watching {} (backup {}) every {} ms; it is taken over when its DRBD links are down, its"
                            + " heartbeat is older than service_down_time ({} s) and Cinder's database answers here",
                    backend.name(), peer, device.backendId(), watchInterval().toMillis(), conf.serviceDownTime());
        }
        replication.endpoint().setIdentityHandover(new Handover());
    }

    /**
     * Every resource file names the fence-peer handler; without it DRBD would keep a Primary that
     * lost its peer frozen for good, and refuse every take-over. Refuse to start instead.
     */
    private static void requireFenceHandler() throws DriverException {
        Path handler = Path.of(DrbdResourceConfig.FENCE_HANDLER);
        if (!Files.isExecutable(handler)) {
            throw new DriverException("VolumeBackendAPIException", "DRBD's fence-peer handler " + handler + " is missing or not"
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
        BackendService service;
        synchronized (this) {
            service = ownService;
            ownService = null;
        }
        if (service != null) {
            String own = conf.serviceHost(backend);
            LOG.error("{} was taken over by its backup while this host was cut off (Cinder's row says failed-over); this host"
                    + " stops serving it. Its copies stay frozen until this worker restarts and they rejoin as Secondary; then"
                    + " fail back with `cinder failover-host {} --backend_id default`.", own, own);
            stopSoon(service);
        }
    }

    private synchronized void serveOwn() throws Exception {
        if (ownService != null) {
            return;
        }
        String own = conf.serviceHost(backend);
        ownService = BackendService.start(Main.plan(conf, backend, own, Main.ebsDriver(conf, backend, storage, conf.host()))
                .withReplication(new OwnIdentity()), db, transport, jobs, notifier(own), RpcServerSettings.defaults());
        started.accept(ownService);
    }

    /** Serves a taken-over peer's identity from this host: its replicas here, promoted. */
    private synchronized void servePeer(String peerServiceHost) throws Exception {
        if (peerServices.containsKey(peerServiceHost)) {
            return;
        }
        String peerHost = peerServiceHost.substring(0, peerServiceHost.indexOf('@'));
        BackendService.Plan plan = new BackendService.Plan(backend.name(), peerHost, null,
                new ServiceIdentity(peerServiceHost, null, conf.availabilityZone(backend)),
                standbyDriver(peerServiceHost),
                Duration.ofSeconds(conf.reportInterval()),
                Duration.ofSeconds(conf.backendStatsPollingInterval()), new PeerIdentity(peerServiceHost));
        BackendService service = BackendService.start(plan, db, transport, jobs, notifier(peerServiceHost), RpcServerSettings.defaults());
        peerServices.put(peerServiceHost, service);
        started.accept(service);
        LOG.warn("Serving {} from this host (failed over)", peerServiceHost);
        if (backend.replication().autoFailback() && !jobs.isScheduled(autoFailbackJob(peerServiceHost))) {
            AutomaticFailback failback = new AutomaticFailback(peerServiceHost, replication.backendId(), db, replication.drbd(),
                    () -> replication.peer().state(PROBE_VOLUME, "volume-" + PROBE_VOLUME), transport);
            Duration every = Duration.ofSeconds(Math.max(5, conf.reportInterval()));
            jobs.every(autoFailbackJob(peerServiceHost), every, every, failback);
            LOG.info("{}: replication_auto_failback is on: it is handed back (failback, thaw) once its host is back, in sync"
                    + " and its volumes are detached", peerServiceHost);
        }
    }

    /** The peer identity's driver (see {@link #standbyDrivers}); a failed initialization is retried when it is served. */
    private VolumeDriver standbyDriver(String peerServiceHost) {
        return standbyDrivers.computeIfAbsent(peerServiceHost, peer -> {
            String peerHost = peer.substring(0, peer.indexOf('@'));
            VolumeDriver driver = Main.ebsDriver(conf, backend, storage.servingFailedOverIdentity(), peerHost,
                    peerBackendNames.getOrDefault(peer, backend.volumeBackendName()));
            try {
                driver.initialize();
            } catch (DriverException e) {
                LOG.warn("Backend {}: the driver for {} (served here after a failover) is not ready yet: {}", backend.name(), peer,
                        e.getMessage());
            }
            return driver;
        });
    }

    /** A volume id no volume has: the automatic failback's probe asks the old primary about it. */
    private static final String PROBE_VOLUME = "00000000-0000-0000-0000-000000000000";

    private static String autoFailbackJob(String peerServiceHost) {
        return "auto-failback-" + peerServiceHost;
    }

    /** Stops serving an identity once the reply that handed it over is on its way. */
    private static void stopSoon(BackendService service) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            service.stop();
        }, "handover-" + service.servedHost());
        t.setDaemon(true);
        t.start();
    }

    /** Rows of replicated volumes of {@code serviceHost} in one of {@code statuses} that have a DRBD resource here. */
    private List<Map<String, Object>> replicatedVolumes(String serviceHost, String... statuses) throws SQLException {
        return new ResourceTables(db).volumesOfBackendByReplication(serviceHost, List.of(statuses)).stream()
                .filter(v -> replication.drbd().files().exists(PeerFailover.resource(v))).toList();
    }

    /** Every copy must be Connected with the peer's disk UpToDate before a planned move: nothing is lost then. */
    private void requirePeerInSync(List<Map<String, Object>> volumes, String target) throws DriverException {
        for (Map<String, Object> v : volumes) {
            String res = PeerFailover.resource(v);
            Optional<DrbdResourceState> state = replication.drbd().currentState(res);
            boolean inSync = state.flatMap(DrbdResourceState::onlyPeer).map(p -> p.connection() == DrbdConnectionState.CONNECTED
                    && p.devices().values().stream().allMatch(d -> d.peerDisk() == DrbdDiskState.UP_TO_DATE)).orElse(false);
            if (!inSync) {
                throw new DriverException(ReplicationControl.INVALID_TARGET, "volume " + v.get("id") + ": the copy on " + target
                        + " is not connected and UpToDate (" + state.map(DrbdResourceState::describe).orElse("down") + ")");
            }
        }
    }

    /** Unexported here and Secondary: the other host may promote. */
    private void demote(BackendService service, List<Map<String, Object>> volumes) throws DriverException {
        for (Map<String, Object> v : volumes) {
            service.driver().removeExport(volumeRef(v));
            replication.drbd().secondary(PeerFailover.resource(v));
        }
    }

    /** Undo of {@link #demote} when the other host could not take the volumes. */
    private void promoteBack(List<Map<String, Object>> volumes, Exception why) {
        for (Map<String, Object> v : volumes) {
            try {
                replication.drbd().primary(PeerFailover.resource(v));
            } catch (DriverException e) {
                why.addSuppressed(e);
                LOG.error("Volume {}: could not be made Primary here again after a failed hand-over: {}", v.get("id"), e.getMessage());
            }
        }
    }

    private static VolumeRef volumeRef(Map<String, Object> v) {
        String id = (String) v.get("id");
        return new VolumeRef(id, v.get("_name_id") != null ? (String) v.get("_name_id") : id,
                v.get("size") == null ? 0 : ((Number) v.get("size")).intValue(), (String) v.get("host"),
                (String) v.get("provider_location"), (String) v.get("provider_auth"), (String) v.get("volume_type_id"), true);
    }

    private static Map<String, Map<String, Object>> replicationStatus(List<Map<String, Object>> volumes, String status) {
        Map<String, Map<String, Object>> updates = new LinkedHashMap<>();
        for (Map<String, Object> v : volumes) {
            updates.put((String) v.get("id"), Map.of("replication_status", status));
        }
        return updates;
    }

    /** failover_host on this host's own identity: hand it, with its volumes, to the backup. */
    private final class OwnIdentity implements ReplicationControl {
        @Override
        public List<String> targets() {
            return List.copyOf(peerIds.keySet());
        }

        @Override
        public Outcome failover(String secondaryBackendId) throws DriverException {
            String target = secondaryBackendId == null ? targets().get(0) : secondaryBackendId;
            if ("default".equals(target)) {
                throw new DriverException(INVALID_TARGET, "this backend is not failed over; there is nothing to fail back");
            }
            if (!peerIds.containsKey(target)) {
                throw new DriverException(INVALID_TARGET, "'" + target + "' is not a replication target of this backend " + targets());
            }
            String own = conf.serviceHost(backend);
            BackendService service;
            synchronized (ReplicatedBackend.this) {
                service = ownService;
            }
            try {
                List<Map<String, Object>> volumes = replicatedVolumes(own, "enabled");
                requirePeerInSync(volumes, target);
                demote(service, volumes);
                try {
                    int promoted = replication.peer().takeOver(own);
                    LOG.warn("Failover of {} to {}: {} volume(s) handed over", own, target, promoted);
                } catch (DriverException e) {
                    promoteBack(volumes, e);
                    throw new DriverException(INVALID_TARGET, target + " could not take the volumes over (they stay here): "
                            + e.getMessage(), e);
                }
                return new Outcome(target, replicationStatus(volumes, "failed-over"), () -> {
                    synchronized (ReplicatedBackend.this) {
                        ownService = null;
                    }
                    stopSoon(service);
                });
            } catch (SQLException e) {
                throw new DriverException("VolumeBackendAPIException", "failover of " + own + ": database: " + e.getMessage(), e);
            }
        }
    }

    /** failover_host on a peer's identity this host serves: only failback ({@code default}) is possible. */
    private final class PeerIdentity implements ReplicationControl {
        private final String peerServiceHost;

        PeerIdentity(String peerServiceHost) {
            this.peerServiceHost = peerServiceHost;
        }

        @Override
        public List<String> targets() {
            return List.of("default");
        }

        @Override
        public Outcome failover(String secondaryBackendId) throws DriverException {
            if (!"default".equals(secondaryBackendId)) {
                throw new DriverException(INVALID_TARGET, peerServiceHost + " is failed over to this host already; only"
                        + " --backend_id default (failback) is possible");
            }
            BackendService service;
            synchronized (ReplicatedBackend.this) {
                service = peerServices.get(peerServiceHost);
            }
            try {
                // Volumes created on the identity while this host served it are failed-over too
                // (Primary here, their replica on the returning host): they go back with the others.
                List<Map<String, Object>> volumes = replicatedVolumes(peerServiceHost, "failed-over");
                for (Map<String, Object> v : volumes) {
                    if ("in-use".equals(v.get("status")) || "attached".equals(v.get("attach_status"))) {
                        throw new DriverException(INVALID_TARGET, "volume " + v.get("id") + " is attached; detach it before failing back");
                    }
                }
                requirePeerInSync(volumes, peerServiceHost);
                demote(service, volumes);
                try {
                    int promoted = replication.peer().resume(peerServiceHost);
                    LOG.warn("Failback of {}: {} volume(s) handed back", peerServiceHost, promoted);
                } catch (DriverException e) {
                    promoteBack(volumes, e);
                    throw new DriverException(INVALID_TARGET, peerServiceHost + " could not take its volumes back (they stay"
                            + " here): " + e.getMessage(), e);
                }
                return new Outcome("", replicationStatus(volumes, "enabled"), () -> {
                    synchronized (ReplicatedBackend.this) {
                        peerServices.remove(peerServiceHost);
                    }
                    jobs.cancel(autoFailbackJob(peerServiceHost));
                    stopSoon(service);
                    PeerWatch watch = watches.get(peerServiceHost);
                    if (watch != null) {
                        watch.rearm();
                    }
                });
            } catch (SQLException e) {
                throw new DriverException("VolumeBackendAPIException", "failback of " + peerServiceHost + ": database: "
                        + e.getMessage(), e);
            }
        }
    }

    /** The replica channel's side of a planned hand-over. */
    private final class Handover implements ReplicaEndpoint.IdentityHandover {
        @Override
        public int takeOver(String caller, String serviceHost) throws DriverException {
            if (!serviceHost.equals(peerIds.get(caller))) {
                throw new IllegalArgumentException(caller + " may hand over only its own identity " + peerIds.get(caller)
                        + ", not " + serviceHost);
            }
            try {
                List<String> promoted = new java.util.ArrayList<>();
                for (Map<String, Object> v : replicatedVolumes(serviceHost, "enabled", "failing-over")) {
                    PeerFailover.makePrimary(replication.drbd(), PeerFailover.resource(v));
                    promoted.add((String) v.get("id"));
                }
                servePeer(serviceHost);
                PeerFailover.failSnapshotsWithoutCopyHere(db, storage.vg(), promoted, serviceHost);
                PeerWatch watch = watches.get(serviceHost);
                if (watch != null) {
                    watch.markTakenOver();
                }
                return promoted.size();
            } catch (DriverException e) {
                throw e;
            } catch (Exception e) {
                throw new DriverException("VolumeBackendAPIException", "taking over " + serviceHost + ": " + e.getMessage(), e);
            }
        }

        @Override
        public int resume(String caller, String serviceHost) throws DriverException {
            String own = conf.serviceHost(backend);
            if (!own.equals(serviceHost) || !peerIds.containsKey(caller)) {
                throw new IllegalArgumentException(caller + " cannot hand " + serviceHost + " to this host (" + own + ")");
            }
            try {
                List<Map<String, Object>> volumes = replicatedVolumes(own, "failed-over", "failing-over", "enabled");
                resources.promoteOwnVolumes();
                serveOwn();
                PeerFailover.failSnapshotsWithoutCopyHere(db, storage.vg(), volumes.stream().map(v -> (String) v.get("id")).toList(), own);
                LOG.warn("{} is served by this host again (handed back by {})", own, caller);
                return volumes.size();
            } catch (Exception e) {
                throw new DriverException("VolumeBackendAPIException", "resuming " + own + ": " + e.getMessage(), e);
            }
        }
    }

    private Notifier notifier(String serviceHost) {
        return notifiers == null ? null : notifiers.apply(serviceHost);
    }
}
