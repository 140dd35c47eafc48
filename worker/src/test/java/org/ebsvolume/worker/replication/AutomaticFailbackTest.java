package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.command.CommandRunner;
import org.ebsvolume.drivers.drbd.DrbdAdm;
import org.ebsvolume.drivers.drbd.DrbdResourceFiles;
import org.ebsvolume.drivers.time.Pause;
import org.ebsvolume.messaging.Endpoint;
import org.ebsvolume.messaging.RpcServer;
import org.ebsvolume.messaging.Target;
import org.ebsvolume.messaging.Transport;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.ebsvolume.worker.db.CinderDatabase;
import org.ebsvolume.worker.testing.CinderDb;
import org.ebsvolume.worker.testing.ControlPlane;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The automatic failback's hand-back, against the control plane's real database and a real
 * broker: it does what cinder-api does for {@code failover-host --backend_id default} and
 * {@code thaw-host}, the rows first, then the RPC. The identity's topic is served here by a
 * stand-in for the old primary's worker that records what it is asked and does what the worker
 * does to the row. No volumes: their DRBD checks are the lab test's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutomaticFailbackTest {

    private static final String PEER = "autofb-test-nodec@ebs";
    private static final String OWN_BACKEND_ID = "autofb-test-noded";

    @TempDir
    static Path etc;
    private CinderDb rows;
    private CinderDatabase db;
    private Transport transport;
    private DrbdAdm drbd;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** The row's frozen column as the old primary saw it when thaw_host reached it. */
    private final List<Object> frozenAtThaw = new CopyOnWriteArrayList<>();
    private RpcServer oldPrimary;

    @BeforeAll
    void witnessAndBroker() throws Exception {
        ControlPlane.start(Map.of());
        rows = CinderDb.connect();
        db = new CinderDatabase(CinderDb.URL, "cinder", "cinder", new Properties(), Clock.systemUTC());
        transport = Transport.open(TransportConfig.of("rabbit://guest:guest@127.0.0.1:5672/"), 3);
        CommandRunner runner = new CommandRunner(Set.of("drbdadm"), List.of(), Duration.ofSeconds(5));
        drbd = new DrbdAdm(runner, new DrbdResourceFiles(etc), Duration.ofSeconds(5));
        oldPrimary = transport.serve(Target.topic("cinder-volume").withServer(PEER), List.of(Endpoint.builder("3.17")
                .method("failover", (context, args) -> {
                    calls.add("failover " + args.path("secondary_backend_id").asText());
                    rows.update("UPDATE services SET replication_status = 'enabled', active_backend_id = '' WHERE host = ? AND deleted = 0",
                            PEER);
                    return null;
                })
                .method("thaw_host", (context, args) -> {
                    calls.add("thaw_host");
                    frozenAtThaw.add(rows.single("SELECT frozen FROM services WHERE host = ? AND deleted = 0", PEER).get("frozen"));
                    rows.update("UPDATE services SET disabled = 0, disabled_reason = '' WHERE host = ? AND deleted = 0", PEER);
                    return true;
                })
                .build()));
    }

    @AfterEach
    void removeTheRow() {
        rows.update("DELETE FROM services WHERE host = ?", PEER);
        calls.clear();
        frozenAtThaw.clear();
    }

    @AfterAll
    void close() throws Exception {
        oldPrimary.close();
        transport.close();
        db.close();
        rows.close();
    }

    /** The peer's row as an automatic failover leaves it: failed over to this host, frozen and disabled. */
    private void peerRowFailedOverToUs(boolean frozen) {
        rows.update("INSERT INTO services (created_at, updated_at, deleted, host, `binary`, topic, report_count, disabled, "
                + "disabled_reason, availability_zone, replication_status, active_backend_id, frozen, uuid) "
                + "VALUES (NOW(), NOW(), 0, ?, 'cinder-volume', 'cinder-volume', 1, 1, ?, 'nova', 'failed-over', ?, ?, ?)",
                PEER, frozen ? "failed-over" : "", OWN_BACKEND_ID, frozen ? 1 : 0, UUID.randomUUID().toString());
    }

    private AutomaticFailback failback() {
        // Really waits: the old primary's worker answers the failover cast on its own thread.
        return new AutomaticFailback(PEER, OWN_BACKEND_ID, db, drbd, () -> { }, transport, Pause.SLEEP);
    }

    private Map<String, Object> peerRow() {
        return rows.single("SELECT replication_status, active_backend_id, frozen, disabled, disabled_reason FROM services "
                + "WHERE host = ? AND deleted = 0", PEER);
    }

    @Test
    void handsTheIdentityBackThenThawsItWithFrozenClearedBeforeTheCallAsCinderApiDoes() throws Exception {
        peerRowFailedOverToUs(true);

        failback().run(Instant.now());

        assertThat(calls).containsExactly("failover default", "thaw_host");
        assertThat(frozenAtThaw).hasSize(1);
        assertThat(String.valueOf(frozenAtThaw.get(0))).isIn("0", "false");
        Map<String, Object> row = peerRow();
        assertThat(row.get("replication_status")).isEqualTo("enabled");
        assertThat(row.get("active_backend_id")).isEqualTo("");
        assertThat(String.valueOf(row.get("frozen"))).isIn("0", "false");
        assertThat(String.valueOf(row.get("disabled"))).isIn("0", "false");
    }

    @Test
    void anIdentityThawedMeanwhileIsHandedBackWithoutAThawCall() throws Exception {
        peerRowFailedOverToUs(false);

        failback().run(Instant.now());

        assertThat(calls).containsExactly("failover default");
        assertThat(peerRow().get("replication_status")).isEqualTo("enabled");
    }

    @Test
    void aRowNotFailedOverToThisHostIsLeftAlone() throws Exception {
        peerRowFailedOverToUs(true);
        rows.update("UPDATE services SET active_backend_id = 'someone-else' WHERE host = ?", PEER);

        failback().run(Instant.now());

        assertThat(calls).isEmpty();
        assertThat(peerRow().get("replication_status")).isEqualTo("failed-over");
    }
}
