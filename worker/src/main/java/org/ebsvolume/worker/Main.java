package org.ebsvolume.worker;

import org.ebsvolume.config.BackendConfig;
import org.ebsvolume.config.CinderConfig;
import org.ebsvolume.config.CommandLine;
import org.ebsvolume.config.InvalidConfigException;
import org.ebsvolume.config.LvmType;
import org.ebsvolume.config.TargetHelper;
import org.ebsvolume.config.VolumeClear;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.drivers.copy.BlockDeviceCopier;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.ebs.EbsDriver;
import org.ebsvolume.drivers.image.ImageCopier;
import org.ebsvolume.drivers.image.ImageTransferSettings;
import org.ebsvolume.drivers.initiator.IscsiInitiator;
import org.ebsvolume.drivers.lvm.LvmOptions;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.drivers.target.IscsiTarget;
import org.ebsvolume.drivers.target.LioTarget;
import org.ebsvolume.drivers.target.TgtAdmTarget;
import org.ebsvolume.drivers.capacity.VolumeGroupCapacityDriver;
import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.jobs.ServiceJobs;
import org.ebsvolume.messaging.Notifier;
import org.ebsvolume.messaging.RpcServer;
import org.ebsvolume.messaging.RpcServerSettings;
import org.ebsvolume.messaging.Transport;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.service.BackendService;
import org.ebsvolume.worker.logging.WorkerLogging;
import org.ebsvolume.worker.replication.BackendReplication;
import org.ebsvolume.worker.replication.ReplicaEndpoint;
import org.ebsvolume.worker.replication.ReplicatedBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ebs-volume --config-file /etc/cinder/cinder.conf}: one process serving every backend of
 * {@code enabled_backends}, like cinder-volume. Exit status 2 means the configuration is wrong
 * (each problem printed on its own line); nothing has connected anywhere by then.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    /** The binaries the capacity-only backend may run; the storage driver brings its own list. */
    private static final Set<String> ALLOWED_BINARIES = Set.of("vgs");

    private Main() {
    }

    /**
     * What one EBS backend drives on this host: its command runner (allow-listed binaries, sudo
     * when not root), VG, iSCSI target, and its replication when it has {@code replication_device}
     * entries. Built once per backend; the drivers serving this host's identity and, after a
     * failover, its peer's share it.
     */
    record EbsStorage(CommandRunner runner, LvmVolumeGroup vg, IscsiTarget target, Optional<BackendReplication> replication) {

        static EbsStorage of(CinderConfig conf, BackendConfig backend, Transport transport) throws DriverException {
            Set<String> binaries = new java.util.HashSet<>(LvmVolumeGroup.REQUIRED_BINARIES);
            binaries.addAll(Set.of("tgtadm", "tgt-admin"));
            binaries.addAll(LioTarget.REQUIRED_BINARIES);
            binaries.addAll(BlockDeviceCopier.REQUIRED_BINARIES);
            binaries.addAll(IscsiInitiator.REQUIRED_BINARIES);
            binaries.addAll(ImageCopier.REQUIRED_BINARIES);
            binaries.addAll(DrbdAdm.REQUIRED_BINARIES);
            List<String> rootHelper = "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo", "-n");
            CommandRunner runner = new CommandRunner(binaries, rootHelper, Duration.ofMinutes(10));
            LvmVolumeGroup vg = new LvmVolumeGroup(backend.lvm().volumeGroup(), runner, LvmOptions.production());
            // tgt for every helper but lioadm: the loader accepts all of Cinder's names.
            IscsiTarget target = backend.target().helper() == TargetHelper.LIOADM
                    ? LioTarget.installed(runner, false)
                    : new TgtAdmTarget(TgtAdmTarget.Settings.defaults(Path.of(conf.statePath(), "volumes")), runner);
            Optional<BackendReplication> replication = transport == null ? Optional.empty()
                    : BackendReplication.of(conf, backend, provisioning(backend.lvm().type()), runner, vg, transport);
            return new EbsStorage(runner, vg, target, replication);
        }

        /** For the driver serving a taken-over peer's identity (see {@link BackendReplication#servingFailedOverIdentity}). */
        EbsStorage servingFailedOverIdentity() {
            return new EbsStorage(runner, vg, target, replication.map(BackendReplication::servingFailedOverIdentity));
        }
    }

    /**
     * The EBS driver for a backend whose {@code volume_driver} names it: LVM volumes in
     * {@code volume_group}, exported by LIO ({@code target_helper = lioadm}) or tgt. Storage
     * commands need root: the package's unit runs the worker as root (packaging/deb/README.Debian
     * says why); as another user they run through {@code sudo -n}, which that user must be granted.
     */
    static VolumeDriver ebsDriver(CinderConfig conf, BackendConfig backend) throws DriverException {
        return ebsDriver(conf, backend, EbsStorage.of(conf, backend, null), conf.host());
    }

    /**
     * The EBS driver serving {@code host}'s volumes from this host's storage: {@code conf.host()}
     * for its own, the dead peer's after a failover (its replicas here, promoted).
     */
    static VolumeDriver ebsDriver(CinderConfig conf, BackendConfig backend, EbsStorage storage, String host) {
        return ebsDriver(conf, backend, storage, host, backend.volumeBackendName());
    }

    /** As above, reporting {@code volumeBackendName}: a taken-over peer's own, so its pool keeps its name. */
    static VolumeDriver ebsDriver(CinderConfig conf, BackendConfig backend, EbsStorage storage, String host, String volumeBackendName) {
        return new EbsDriver(driverSettings(backend, host, volumeBackendName),
                storage.vg(), storage.target(), new BlockDeviceCopier(storage.runner(), "1M", Duration.ofHours(12)),
                IscsiInitiator.system(storage.runner()),
                conf.image().glanceApiServers().isEmpty() ? null : new ImageCopier(ImageTransferSettings.of(conf.image().glanceApiServers(),
                        conf.image().glanceNumRetries(), Path.of(conf.image().imageConversionDir())), storage.runner()),
                storage.replication().map(BackendReplication::volumes).orElse(null));
    }

    /** The backend section as the EBS driver takes it, reporting {@code volumeBackendName} and serving {@code host}. */
    static EbsDriver.Settings driverSettings(BackendConfig backend, String host, String volumeBackendName) {
        BackendConfig.LvmSettings lvm = backend.lvm();
        BackendConfig.TargetSettings target = backend.target();
        return new EbsDriver.Settings(backend.name(), volumeBackendName, host,
                new EbsDriver.Lvm(provisioning(lvm.type()), lvm.mirrors(), volumeClear(lvm.volumeClear()),
                        lvm.volumeClearSizeMib()),
                new EbsDriver.Target(target.prefix(), target.ipAddress(), target.secondaryIpAddresses(), target.port()),
                new EbsDriver.Capacity(backend.scheduler().reservedPercentage(), backend.scheduler().maxOverSubscriptionRatio()));
    }

    // The drivers module does not depend on the config module, so it has its own enums. These
    // switches name every config constant: one added there does not build until it is mapped.

    /** {@code lvm_type} as the driver acts on it; the driver decides what {@code auto} makes. */
    static EbsDriver.Provisioning provisioning(LvmType type) {
        return switch (type) {
            case DEFAULT -> EbsDriver.Provisioning.THICK;
            case THIN -> EbsDriver.Provisioning.THIN;
            case AUTO -> EbsDriver.Provisioning.AUTO;
        };
    }

    static EbsDriver.VolumeClear volumeClear(VolumeClear clear) {
        return switch (clear) {
            case NONE -> EbsDriver.VolumeClear.NONE;
            case ZERO -> EbsDriver.VolumeClear.ZERO;
        };
    }

    /** oslo.log: log_file, relative to log_dir when both are set; log_dir alone → ebs-volume.log in it. */
    static Path logFile(CinderConfig conf) {
        if (conf.logFile().isPresent()) {
            Path f = Path.of(conf.logFile().get());
            return f.isAbsolute() || conf.logDir().isEmpty() ? f : Path.of(conf.logDir().get()).resolve(f);
        }
        return conf.logDir().map(d -> Path.of(d, "ebs-volume.log")).orElse(null);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        CinderConfig conf;
        try {
            conf = CinderConfig.load(CommandLine.parse(args));
        } catch (InvalidConfigException e) {
            e.problems().forEach(p -> System.err.println("ebs-volume: " + p));
            return 2;
        }
        WorkerLogging.configure(conf.debug(), logFile(conf));
        conf.warnings().forEach(w -> LOG.warn("{}", w));
        try {
            return serve(conf);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            LOG.error("ebs-volume failed to start: {}", e.getMessage(), e);
            return 1;
        }
    }

    private static int serve(CinderConfig conf) throws Exception {
        Clock clock = Clock.systemUTC();
        var database = conf.database().connection();
        CinderDatabase db = new CinderDatabase(database.jdbcUrl(), database.user(), database.password(),
                database.jdbcProperties(), clock);
        Transport transport = Transport.open(conf.transport());
        ServiceJobs jobs = ServiceJobs.start("ebs-volume", clock, 8);
        CommandRunner runner = new CommandRunner(ALLOWED_BINARIES, List.of(), Duration.ofSeconds(60));
        boolean notify = conf.notifications().drivers().stream().anyMatch(d -> d.equals("messagingv2") || d.equals("messaging"));
        // oslo's get_notification_transport: its own broker when [oslo_messaging_notifications] names one.
        Transport notifications = transport;
        if (notify && conf.notifications().transportUrl().isPresent()) {
            var url = conf.notifications().transportUrl().get();
            notifications = Transport.open(new TransportConfig(url, conf.transport().rabbit().withUrlQuery(url.query()),
                    conf.transport().controlExchange(), conf.transport().rpcResponseTimeout()));
        }
        Transport notificationTransport = notifications;

        List<BackendService> backends = new ArrayList<>();
        List<RpcServer> replicaServers = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Caught SIGTERM, stopping: no new requests; in-flight ones finish or are abandoned");
            for (BackendService b : backends) {
                b.stop();
            }
            replicaServers.forEach(RpcServer::stop);
            jobs.close();
            if (notificationTransport != transport) {
                notificationTransport.close();
            }
            transport.close();
            db.close();
            LOG.info("ebs-volume stopped");
            stopped.countDown();
        }, "shutdown"));

        for (BackendConfig backend : conf.backends()) {
            String serviceHost = conf.serviceHost(backend);
            Notifier notifier = notify ? notificationTransport.notifier("volume." + serviceHost, conf.notifications().topics()) : null;
            if (!backend.isEbsDriver()) {
                VolumeDriver driver = new VolumeGroupCapacityDriver(new VolumeGroupCapacityDriver.Settings(
                        backend.name(), backend.volumeBackendName(), backend.lvm().volumeGroup(), backend.lvm().type().configName(),
                        backend.lvm().mirrors(), "iSCSI", backend.scheduler().reservedPercentage(),
                        backend.scheduler().maxOverSubscriptionRatio(),
                        conf.host()), runner);
                backends.add(BackendService.start(BackendService.Plan.of(conf, backend, serviceHost, driver), db, transport, jobs, notifier,
                        RpcServerSettings.defaults()));
                continue;
            }
            EbsStorage storage = EbsStorage.of(conf, backend, transport);
            if (storage.replication().isEmpty()) {
                backends.add(BackendService.start(BackendService.Plan.of(conf, backend, serviceHost, ebsDriver(conf, backend, storage, conf.host())),
                        db, transport, jobs, notifier, RpcServerSettings.defaults()));
                continue;
            }
            BackendReplication replication = storage.replication().get();
            replicaServers.add(transport.serve(ReplicaEndpoint.target(replication.backendId()),
                    List.of(replication.endpoint().endpoint())));
            // The composition root hands the backend its drivers: the one serving this host's own
            // identity, and one per peer identity it may take over (the peer's replicas here).
            ReplicatedBackend.IdentityDrivers drivers = (host, volumeBackendName, takenOver) ->
                    ebsDriver(conf, backend, takenOver ? storage.servingFailedOverIdentity() : storage, host, volumeBackendName);
            new ReplicatedBackend(conf, backend, replication, storage.vg(), drivers, db, transport, jobs,
                    notify ? h -> notificationTransport.notifier("volume." + h, conf.notifications().topics()) : null,
                    backends::add).start();
        }
        LOG.info("ebs-volume serving {} backend(s): {}", backends.size(), conf.enabledBackends());
        stopped.await();
        return 0;
    }

}
