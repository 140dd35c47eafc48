package org.ebsvolume.worker.rpc;

import org.ebsvolume.messaging.RpcClient;
import org.ebsvolume.messaging.Target;

import java.util.function.Function;

import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.Notifier;
import org.ebsvolume.worker.db.ResourceTables;
import org.ebsvolume.worker.db.ServiceIdentity;
import org.ebsvolume.worker.db.ServiceRow;
import org.ebsvolume.worker.db.ServiceTable;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What the RPC methods of one backend work with: its identity and services row, its driver, the
 * database tables, an immediate capability report, and (optionally) a notifier and the
 * replication control ({@code failover_host}; null for a backend that does not replicate).
 */
public record BackendContext(String backendName, ServiceIdentity identity, Supplier<ServiceRow> serviceRow,
                             VolumeDriver driver, ResourceTables tables, ServiceTable services,
                             Supplier<Map<String, Object>> capabilities, Runnable publishCapabilities,
                             Notifier notifier, Runnable cleanup, Function<Target, RpcClient> rpcClients,
                             ReplicationControl replication) {
}
