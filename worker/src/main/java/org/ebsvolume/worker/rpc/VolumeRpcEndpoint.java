package org.ebsvolume.worker.rpc;

import org.ebsvolume.drivers.time.Pause;
import org.ebsvolume.messaging.Endpoint;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every method of Cinder's {@code VolumeAPI} up to RPC 3.18, as {@code VolumeManager} answers it
 * (cinder-volume-rpc §3): the registry of method names, each mapped to the handler of its group.
 * The handlers deserialise and validate the arguments, make the database effects the spec lists,
 * and delegate storage work to the backend's driver.
 */
public final class VolumeRpcEndpoint {

    public static final String VERSION = "3.18";

    private final BackendContext b;
    private final VolumeLifecycleCalls volumes;
    private final SnapshotCalls snapshots;
    private final AttachmentCalls attachments;
    private final MigrationCalls migrations;
    private final FailoverCalls failover;
    private final ServiceCalls service;
    private final GroupCalls groups;

    public VolumeRpcEndpoint(BackendContext b) {
        this.b = b;
        this.volumes = new VolumeLifecycleCalls(b.backendName(), b.serviceRow(), b.driver(), b.tables(), b.notifier(),
                b.publishCapabilities());
        this.snapshots = new SnapshotCalls(b.backendName(), b.serviceRow(), b.driver(), b.tables());
        this.attachments = new AttachmentCalls(b.backendName(), b.driver(), b.tables());
        GenericMigration generic = new GenericMigration(b.identity(), b.driver(), b.tables(), b.services(), b.rpcClients(),
                Duration.ofSeconds(300), Pause.SLEEP);
        this.migrations = new MigrationCalls(b.backendName(), b.identity(), b.driver(), b.tables(), b.services(), generic,
                b.notifier(), b.publishCapabilities());
        this.failover = new FailoverCalls(b.backendName(), b.identity(), b.serviceRow(), b.driver(), b.tables(), b.services(),
                b.replication());
        this.service = new ServiceCalls(b.backendName(), b.tables(), b.capabilities());
        this.groups = new GroupCalls(b.backendName(), b.driver(), b.tables(), b.publishCapabilities());
    }

    public Endpoint endpoint() {
        Endpoint.Builder e = Endpoint.builder(VERSION);
        // 3.1 volume lifecycle
        e.method("create_volume", volumes::createVolume);
        e.method("delete_volume", volumes::deleteVolume);
        e.method("extend_volume", volumes::extendVolume);
        e.method("revert_to_snapshot", volumes::revertToSnapshot);
        e.method("reimage", volumes::reimage);
        e.method("manage_existing", volumes::manageExisting);
        e.method("accept_transfer", (ctx, a) -> null); // the driver keeps no per-owner state
        e.method("copy_volume_to_image", volumes::copyVolumeToImage);
        // 3.2 snapshots
        e.method("create_snapshot", snapshots::createSnapshot);
        e.method("delete_snapshot", snapshots::deleteSnapshot);
        e.method("manage_existing_snapshot", snapshots::manageExistingSnapshot);
        e.method("initialize_connection_snapshot", snapshots::initializeConnectionSnapshot);
        e.method("terminate_connection_snapshot", (ctx, a) -> null);
        e.method("remove_export_snapshot", (ctx, a) -> null);
        // 3.3 attach / detach / export
        e.method("attachment_update", attachments::attachmentUpdate);
        e.method("attachment_delete", attachments::attachmentDelete);
        e.method("attach_volume", attachments::attachVolume);
        e.method("detach_volume", attachments::detachVolume);
        e.method("initialize_connection", attachments::initializeConnection);
        e.method("terminate_connection", attachments::terminateConnection);
        e.method("remove_export", attachments::removeExport);
        // 3.4 migration / retype
        e.method("migrate_volume", migrations::migrateVolume);
        e.method("migrate_volume_completion", migrations::migrateVolumeCompletion);
        e.method("update_migrated_volume", migrations::updateMigratedVolume);
        e.method("retype", migrations::retype);
        // 3.5 service level
        e.method("failover", failover::failover);
        e.method("failover_host", failover::failover);
        e.method("failover_completed", failover::failoverCompleted);
        e.method("freeze_host", failover::freezeHost);
        e.method("thaw_host", failover::thawHost);
        e.method("publish_service_capabilities", (ctx, a) -> {
            b.publishCapabilities().run();
            return null;
        });
        e.method("get_capabilities", service::getCapabilities);
        e.method("set_log_levels", ServiceCalls::setLogLevels);
        e.method("get_log_levels", ServiceCalls::getLogLevels);
        e.method("do_cleanup", (ctx, a) -> {
            b.cleanup().run();
            return null;
        });
        e.method("get_manageable_volumes", (ctx, a) -> ServiceCalls.manageableList(a, "ManageableVolumeList"));
        e.method("get_manageable_snapshots", (ctx, a) -> ServiceCalls.manageableList(a, "ManageableSnapshotList"));
        e.method("get_backup_device", service::getBackupDevice);
        e.method("secure_file_operations_enabled", (ctx, a) -> false);
        // 3.6 groups
        e.method("create_group", groups::createGroup);
        e.method("create_group_from_src", groups::createGroupFromSrc);
        e.method("delete_group", groups::deleteGroup);
        e.method("update_group", groups::updateGroup);
        e.method("create_group_snapshot", groups::createGroupSnapshot);
        e.method("delete_group_snapshot", groups::deleteGroupSnapshot);
        e.method("enable_replication", (ctx, a) -> groups.groupReplicationError(a, "enable"));
        e.method("disable_replication", (ctx, a) -> groups.groupReplicationError(a, "disable"));
        e.method("failover_replication", (ctx, a) -> groups.groupReplicationError(a, "failover"));
        e.method("list_replication_targets", (ctx, a) -> Map.of("replication_targets", List.of()));
        return e.build();
    }

    /** The method names registered, for tests that compare against Cinder's VolumeAPI. */
    public static List<String> methodNames(BackendContext ctx) {
        return new ArrayList<>(new VolumeRpcEndpoint(ctx).endpoint().methods().keySet());
    }
}
