package org.ebsvolume.worker.service;

import org.ebsvolume.config.BackendConfig;
import org.ebsvolume.config.CinderConfig;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.jobs.ServiceJobs;
import org.ebsvolume.messaging.Notifier;
import org.ebsvolume.messaging.RpcServer;
import org.ebsvolume.messaging.RpcServerSettings;
import org.ebsvolume.messaging.Target;
import org.ebsvolume.messaging.Transport;
import org.ebsvolume.worker.capabilities.CapabilityReporter;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.ebsvolume.worker.db.ServiceRow;
import org.ebsvolume.worker.db.ServiceTable;
import org.ebsvolume.worker.rpc.BackendContext;
import org.ebsvolume.worker.rpc.ReplicationControl;
import org.ebsvolume.worker.rpc.VolumeRpcEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One backend of {@code enabled_backends}, as one Python {@code cinder-volume} child process is:
 * its services row, its driver, its RPC servers (topic {@code cinder-volume} with server
 * {@code host@backend}; topic {@code cinder-volume.host@backend} with server {@code host}; and the
 * cluster's when configured), its heartbeat and its capability reports.
 */
public final class BackendService {

    private static final Logger LOG = LoggerFactory.getLogger(BackendService.class);

    /** What differs between backends. */
    public record Plan(String backendName, String hostName, String clusterName, ServiceIdentity identity,
                       VolumeDriver driver, Duration reportInterval, Duration statsInterval, ReplicationControl replication) {

        public Plan(String backendName, String hostName, String clusterName, ServiceIdentity identity,
                    VolumeDriver driver, Duration reportInterval, Duration statsInterval) {
            this(backendName, hostName, clusterName, identity, driver, reportInterval, statsInterval, null);
        }

        /**
         * A backend's own identity {@code serviceHost} ({@code host@backend}) as cinder.conf places
         * it: its cluster, availability zone, heartbeat and stats intervals.
         */
        public static Plan of(CinderConfig conf, BackendConfig backend, String serviceHost, VolumeDriver driver) {
            String cluster = conf.serviceCluster(backend).orElse(null);
            return new Plan(backend.name(), hostOf(serviceHost), conf.cluster().orElse(null),
                    new ServiceIdentity(serviceHost, cluster, conf.availabilityZone(backend)),
                    driver, Duration.ofSeconds(conf.reportInterval()), Duration.ofSeconds(conf.backendStatsPollingInterval()));
        }

        /**
         * A taken-over peer's identity served from this host: no cluster (the peer's cluster rows
         * are its own), this backend's availability zone and intervals, and {@code control} for
         * {@code failover_host} on it.
         */
        public static Plan ofPeer(CinderConfig conf, BackendConfig backend, String peerServiceHost, VolumeDriver driver,
                                  ReplicationControl control) {
            return new Plan(backend.name(), hostOf(peerServiceHost), null,
                    new ServiceIdentity(peerServiceHost, null, conf.availabilityZone(backend)),
                    driver, Duration.ofSeconds(conf.reportInterval()), Duration.ofSeconds(conf.backendStatsPollingInterval()), control);
        }

        public Plan withReplication(ReplicationControl control) {
            return new Plan(backendName, hostName, clusterName, identity, driver, reportInterval, statsInterval, control);
        }

        /** {@code host} of {@code host@backend}. */
        private static String hostOf(String serviceHost) {
            return serviceHost.substring(0, serviceHost.indexOf('@'));
        }
    }

    private final Plan plan;
    private final ServiceTable services;
    private final ResourceTables tables;
    private final AtomicReference<ServiceRow> row = new AtomicReference<>();
    private final List<RpcServer> servers = new ArrayList<>();
    private volatile boolean driverInitialized;
    private CapabilityReporter reporter;
    private ServiceJobs jobs;

    private BackendService(Plan plan, CinderDatabase db) {
        this.plan = plan;
        this.services = new ServiceTable(db);
        this.tables = new ResourceTables(db);
    }

    public static BackendService start(Plan plan, CinderDatabase db, Transport transport, ServiceJobs jobs,
                                       Notifier notifier, RpcServerSettings rpcSettings) throws Exception {
        BackendService s = new BackendService(plan, db);
        s.startUp(db, transport, jobs, notifier, rpcSettings);
        return s;
    }

    private void startUp(CinderDatabase db, Transport transport, ServiceJobs jobs, Notifier notifier,
                         RpcServerSettings rpcSettings) throws Exception {
        ServiceIdentity me = plan.identity();
        this.jobs = jobs;
        row.set(services.registerOrReuse(me));
        initializeDriver();
        new StartupReconciler(me.host(), row.get().id(), tables, plan.driver()).run();

        reporter = new CapabilityReporter(me.host(), me.clusterName(), plan.driver(), tables, transport, db.clock());

        // Requests first, the capability report after: a backup taking over a dead host's identity
        // serves its volumes a report earlier (the report reads LVM, seconds on a loaded host); the
        // scheduler needs the report only to place new volumes.
        BackendContext ctx = new BackendContext(plan.backendName(), me, row::get, plan.driver(), tables, services,
                reporter::current, reporter::publish, notifier, this::cleanup, transport::client, plan.replication());
        var endpoints = List.of(new VolumeRpcEndpoint(ctx).endpoint());
        servers.add(transport.serve(Target.topic("cinder-volume").withServer(me.host()), endpoints, rpcSettings));
        servers.add(transport.serve(Target.topic("cinder-volume." + me.host()).withServer(plan.hostName()), endpoints, rpcSettings));
        if (plan.clusterName() != null) {
            servers.add(transport.serve(Target.topic("cinder-volume." + me.clusterName()).withServer(plan.clusterName()),
                    endpoints, rpcSettings));
        }

        // init_host_with_rpc: an unreplicated backend goes from not-capable to disabled. Not while
        // the row names another backend as active: a failback that hands this identity back is
        // still under way, and the host carrying it out records the result (enabled with no active
        // backend) in one update; an 'enabled' written here first would announce it done early.
        ServiceRow current = row.get();
        boolean failedOverElsewhere = "failed-over".equals(current.replicationStatus())
                || (current.activeBackendId() != null && !current.activeBackendId().isEmpty());
        if (!failedOverElsewhere) {
            boolean replicated = Boolean.TRUE.equals(reporter.current().get("replication_enabled"));
            services.setReplicationStatus(row.get().id(), replicated ? "enabled" : "disabled");
        }

        jobs.every("heartbeat-" + me.host(), plan.reportInterval(), plan.reportInterval(), now -> heartbeat());
        reporter.publish();
        jobs.every("capabilities-" + me.host(), plan.statsInterval(), plan.statsInterval(), now -> reporter.publish());
        LOG.info("Backend {} is serving as {} (services row {}, uuid {})", plan.backendName(), me.host(), row.get().id(),
                row.get().uuid());
    }

    private void initializeDriver() {
        try {
            plan.driver().initialize();
            driverInitialized = true;
        } catch (DriverException e) {
            driverInitialized = false;
            LOG.error("Backend {}: driver initialization failed, the service will show down until it succeeds: {}",
                    plan.backendName(), e.getMessage());
        }
    }

    /**
     * {@code report_state}: skipped while the backend cannot serve (driver not initialized, or its
     * RPC servers disconnected), so the control plane sees it down, as Cinder does.
     */
    void heartbeat() throws SQLException {
        if (!driverInitialized) {
            initializeDriver();
        }
        if (!canServe()) {
            LOG.warn("Backend {} cannot serve (driver initialized: {}, RPC connected: {}); no heartbeat",
                    plan.backendName(), driverInitialized, servers.stream().allMatch(RpcServer::isConnected));
            return;
        }
        row.set(services.heartbeat(row.get(), plan.identity()));
    }

    boolean canServe() {
        return driverInitialized && !servers.isEmpty() && servers.stream().allMatch(RpcServer::isConnected);
    }

    private void cleanup() {
        try {
            new StartupReconciler(plan.identity().host(), row.get().id(), tables, plan.driver()).run();
        } catch (SQLException e) {
            LOG.error("do_cleanup of {} failed: {}", plan.backendName(), e.getMessage());
        }
    }

    public ServiceRow serviceRow() {
        return row.get();
    }

    /**
     * Stops serving this identity: no more heartbeats or capability reports (the row turns down
     * unless another host takes the identity), no more requests (in-flight ones finish within
     * each server's grace period).
     */
    public void stop() {
        if (jobs != null) {
            jobs.cancel("heartbeat-" + plan.identity().host());
            jobs.cancel("capabilities-" + plan.identity().host());
        }
        for (RpcServer s : servers) {
            s.stop();
        }
        LOG.info("Backend {} stopped serving {}", plan.backendName(), plan.identity().host());
    }

    public VolumeDriver driver() {
        return plan.driver();
    }

    public String servedHost() {
        return plan.identity().host();
    }
}
