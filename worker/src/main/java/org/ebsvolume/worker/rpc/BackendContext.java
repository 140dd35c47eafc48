package org.ebsvolume.worker.rpc;

import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.Notifier;
import org.ebsvolume.messaging.RpcClient;
import org.ebsvolume.messaging.Target;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.ebsvolume.worker.db.ServiceRow;
import org.ebsvolume.worker.db.ServiceTable;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the RPC methods of one backend work with: its identity and services row, its driver, the
 * database tables, an immediate capability report, and (optionally) a notifier and the
 * replication control ({@code failover_host}; null for a backend that does not replicate).
 * {@link VolumeRpcEndpoint} hands each group of methods only the parts it uses.
 */
public record BackendContext(String backendName, ServiceIdentity identity, Supplier<ServiceRow> serviceRow,
                             VolumeDriver driver, ResourceTables tables, ServiceTable services,
                             Supplier<Map<String, Object>> capabilities, Runnable publishCapabilities,
                             Notifier notifier, Runnable cleanup, Function<Target, RpcClient> rpcClients,
                             ReplicationControl replication) {

    /** A context built part by part; what is not set stays null. */
    public static Builder builder(String backendName) {
        return new Builder(backendName);
    }

    public static final class Builder {
        private final String backendName;
        private ServiceIdentity identity;
        private Supplier<ServiceRow> serviceRow;
        private VolumeDriver driver;
        private ResourceTables tables;
        private ServiceTable services;
        private Supplier<Map<String, Object>> capabilities;
        private Runnable publishCapabilities;
        private Notifier notifier;
        private Runnable cleanup;
        private Function<Target, RpcClient> rpcClients;
        private ReplicationControl replication;

        private Builder(String backendName) {
            this.backendName = backendName;
        }

        public Builder identity(ServiceIdentity identity) {
            this.identity = identity;
            return this;
        }

        public Builder serviceRow(Supplier<ServiceRow> serviceRow) {
            this.serviceRow = serviceRow;
            return this;
        }

        public Builder driver(VolumeDriver driver) {
            this.driver = driver;
            return this;
        }

        public Builder tables(ResourceTables tables) {
            this.tables = tables;
            return this;
        }

        public Builder services(ServiceTable services) {
            this.services = services;
            return this;
        }

        public Builder capabilities(Supplier<Map<String, Object>> capabilities) {
            this.capabilities = capabilities;
            return this;
        }

        public Builder publishCapabilities(Runnable publishCapabilities) {
            this.publishCapabilities = publishCapabilities;
            return this;
        }

        public Builder notifier(Notifier notifier) {
            this.notifier = notifier;
            return this;
        }

        public Builder cleanup(Runnable cleanup) {
            this.cleanup = cleanup;
            return this;
        }

        public Builder rpcClients(Function<Target, RpcClient> rpcClients) {
            this.rpcClients = rpcClients;
            return this;
        }

        public Builder replication(ReplicationControl replication) {
            this.replication = replication;
            return this;
        }

        public BackendContext build() {
            return new BackendContext(backendName, identity, serviceRow, driver, tables, services, capabilities,
                    publishCapabilities, notifier, cleanup, rpcClients, replication);
        }
    }
}
