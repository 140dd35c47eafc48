package org.ebsvolume.worker.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdPortAllocator;
import org.ebsvolume.drivers.drbd.DrbdResourceFiles;
import org.ebsvolume.drivers.lvm.LvmOptions;
import org.ebsvolume.drivers.lvm.LvmVolumeGroup;
import org.ebsvolume.drivers.replication.ReplicaHost;
import org.ebsvolume.messaging.Endpoint;
import org.ebsvolume.messaging.ExposedException;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The backup's endpoint checks authentication before it looks at anything else, and checks the
 * values it is given before they reach a command. Its host runs no command here: the runner's
 * allow-list is empty, so a call that got through would fail with "not allowed", not succeed.
 */
class ReplicaEndpointTest {

    private static final String SECRET = "0123456789abcdef-shared";
    private static final String RES = "volume-3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c";

    @TempDir
    Path tmp;

    private Endpoint endpoint() throws Exception {
        CommandRunner nothing = new CommandRunner(java.util.Set.of(), List.of(), Duration.ofSeconds(5));
        DrbdResourceFiles files = new DrbdResourceFiles(tmp.resolve("drbd.d"));
        ReplicaHost host = new ReplicaHost(new ReplicaHost.Settings("noded", "10.99.0.14"),
                new LvmVolumeGroup("cinder-volumes", nothing, LvmOptions.production()), () -> true,
                new DrbdAdm(nothing, files, Duration.ofSeconds(5)), new DrbdPortAllocator(files, 7789));
        ReplicaAuth auth = new ReplicaAuth("noded", Map.of("nodec", SECRET), Clock.systemUTC());
        return new ReplicaEndpoint(auth, host, Map.of("nodec", "10.99.0.13")).endpoint();
    }

    private static ObjectNode prepareArgs(String primaryAddress, int port, int minor) {
        ObjectNode a = PythonJson.MAPPER.createObjectNode();
        a.put("volume_id", "3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c");
        a.put("resource", RES);
        a.put("size_gb", 1);
        a.put("port", port);
        a.put("minor", minor);
        a.put("protocol", "C");
        a.put("resync_rate_kib", 102400);
        a.put("primary_hostname", "nodec");
        a.put("primary_address", primaryAddress);
        a.put("primary_disk", "/dev/cinder-volumes/" + RES);
        return a;
    }

    private static Object invoke(Endpoint e, String method, ObjectNode args) throws Exception {
        return e.methods().get(method).invoke(MessageContext.empty(), args);
    }

    @Test
    void servesTheReplicaAndHandOverCallsOnItsOwnBackendId() throws Exception {
        assertThat(endpoint().methods()).containsOnlyKeys("replica_state", "replica_prepare", "replica_resize", "replica_remove",
                "replica_snapshot", "replica_snapshot_remove", "replica_take_over", "replica_resume");
        assertThat(ReplicaEndpoint.target("hci-0002").routingKey()).isEqualTo("ebs-replica.hci-0002");
    }

    @Test
    void anUnsignedOrWronglySignedCallIsRefusedAsUnauthenticated() throws Exception {
        Endpoint e = endpoint();
        ReplicaAuth impostor = new ReplicaAuth("nodec", Map.of("noded", "a-guessed-secret-000000"), Clock.systemUTC());

        for (ObjectNode args : List.of(prepareArgs("10.99.0.13", 7789, 1000),
                impostor.sign("noded", "replica_prepare", prepareArgs("10.99.0.13", 7789, 1000)))) {
            assertThatThrownBy(() -> invoke(e, "replica_prepare", args)).isInstanceOf(ExposedException.class)
                    .satisfies(x -> assertThat(((ExposedException) x).pythonClass()).isEqualTo("ReplicaAuthenticationFailed"))
                    .hasMessageNotContaining("a-guessed-secret");
        }
    }

    @Test
    void anAuthenticatedCallWithBadValuesIsRefusedBeforeAnyCommand() throws Exception {
        Endpoint e = endpoint();
        ReplicaAuth nodec = new ReplicaAuth("nodec", Map.of("noded", SECRET), Clock.systemUTC());

        // another primary address than the one configured for nodec
        assertThatThrownBy(() -> invoke(e, "replica_prepare", nodec.sign("noded", "replica_prepare", prepareArgs("10.99.0.99", 7789, 1000))))
                .hasMessageContaining("not the address configured for this peer");
        // a port outside this node's DRBD range (e.g. sshd's)
        assertThatThrownBy(() -> invoke(e, "replica_prepare", nodec.sign("noded", "replica_prepare", prepareArgs("10.99.0.13", 22, 1000))))
                .hasMessageContaining("is not a DRBD slot of this node");
        // a resource that is not volume-<uuid>
        ObjectNode badName = prepareArgs("10.99.0.13", 7789, 1000);
        badName.put("resource", "volume-x;reboot");
        assertThatThrownBy(() -> invoke(e, "replica_prepare", nodec.sign("noded", "replica_prepare", badName)))
                .isInstanceOf(ExposedException.class);
        ObjectNode remove = PythonJson.MAPPER.createObjectNode().put("volume_id", "x").put("resource", "../../etc");
        assertThatThrownBy(() -> invoke(e, "replica_remove", nodec.sign("noded", "replica_remove", remove)))
                .hasMessageContaining("is not volume-<uuid>");
    }

    @Test
    void aSnapshotCallWithAnIdThatIsNotAUuidIsRefusedBeforeAnyCommand() throws Exception {
        Endpoint e = endpoint();
        ReplicaAuth nodec = new ReplicaAuth("nodec", Map.of("noded", SECRET), Clock.systemUTC());
        ObjectNode take = PythonJson.MAPPER.createObjectNode().put("volume_id", "x").put("resource", RES)
                .put("snapshot_id", "x --config devices{filter=[]}");
        assertThatThrownBy(() -> invoke(e, "replica_snapshot", nodec.sign("noded", "replica_snapshot", take)))
                .isInstanceOf(ExposedException.class).hasMessageContaining("snapshot id").hasMessageNotContaining("not allowed");
        ObjectNode remove = PythonJson.MAPPER.createObjectNode().put("volume_id", "x").put("snapshot_id", "../volume-1");
        assertThatThrownBy(() -> invoke(e, "replica_snapshot_remove", nodec.sign("noded", "replica_snapshot_remove", remove)))
                .isInstanceOf(ExposedException.class).hasMessageContaining("snapshot id").hasMessageNotContaining("not allowed");
    }

    @Test
    void anIdentityHandOverIsRefusedUntilTheWorkerServesItsBackends() throws Exception {
        Endpoint e = endpoint();
        ReplicaAuth nodec = new ReplicaAuth("nodec", Map.of("noded", SECRET), Clock.systemUTC());
        ObjectNode args = PythonJson.MAPPER.createObjectNode().put("service_host", "nodec@ebs");
        assertThatThrownBy(() -> invoke(e, "replica_take_over", nodec.sign("noded", "replica_take_over", args)))
                .hasMessageContaining("still starting");
    }

    @Test
    void anIdentityHandOverNeedsAuthenticationFirst() throws Exception {
        Endpoint e = endpoint();
        ReplicaAuth impostor = new ReplicaAuth("nodec", Map.of("noded", "a-guessed-secret-000000"), Clock.systemUTC());
        ObjectNode args = PythonJson.MAPPER.createObjectNode().put("service_host", "nodec@ebs");
        assertThatThrownBy(() -> invoke(e, "replica_resume", impostor.sign("noded", "replica_resume", args)))
                .hasMessageContaining("not authenticated");
    }
}
