package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandResult;
import org.ebsvolume.drivers.command.CommandRunner;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * LIO through {@code ebs-lio}, against its answers recorded on a real kernel in the lab
 * ({@code lab/record-ebs-lio.sh}; no configfs here). The helper does what {@code cinder-rtstool}
 * does through rtslib; these tests hold the Java side to Cinder's contract: the calls it makes,
 * what reaches {@code provider_location} and the connection info, which errors Cinder sees, and
 * that the CHAP password never appears in an argument list, a log line or an error.
 */
class LioTargetTest {

    static final String VOLUME_ID = "5b4c4b0e-3f6a-4c41-9d7e-2a1f6f0c9a11";
    static final String NAME = "volume-" + VOLUME_ID;
    static final String IQN = "iqn.2010-10.org.openstack:" + NAME;
    static final String DEV = "/dev/ebsvg/" + NAME;
    static final String INITIATOR = "iqn.1993-08.org.debian:01:8f5b2c3d9e1a";
    static final ChapCredentials CHAP = new ChapCredentials("Zq8kR3mNwX5tP2aVbC7d", "h7KxQ2mPz9RtVw4N");
    static final String LOCATION = "192.0.2.10:3260;192.0.2.11:3260," + IQN + " " + IQN + " 0";
    static final ExportedVolume EXPORTED = new ExportedVolume(VOLUME_ID, NAME, LOCATION, CHAP.providerAuth(), false);
    static final Connector HOST = new Connector(INITIATOR, false);

    static final List<String> CREATE = List.of("ebs-lio", "create", IQN, DEV, "3260", "192.0.2.10", "192.0.2.11");
    static final List<String> ADD = List.of("ebs-lio", "add-initiator", IQN, INITIATOR);
    static final List<String> REMOVE = List.of("ebs-lio", "remove-initiator", IQN, INITIATOR);
    static final List<String> DELETE = List.of("ebs-lio", "delete", IQN);
    static final List<String> STATE = List.of("ebs-lio", "state", IQN);

    private static ExportRequest request() {
        return new ExportRequest(VOLUME_ID, NAME, DEV, CHAP, "iqn.2010-10.org.openstack:", "192.0.2.10",
                List.of("192.0.2.11"), 3260);
    }

    @Test
    void createExportIsOneHelperCallAndReturnsCindersLocationAndAuth() throws Exception {
        ReplayedCommands lio = new ReplayedCommands().expect(CREATE, "create");

        ExportResult result = new LioTarget(lio, false).createExport(request());

        lio.assertDone();
        assertThat(result.providerLocation()).isEqualTo(LOCATION);
        assertThat(result.providerAuth()).isEqualTo("CHAP Zq8kR3mNwX5tP2aVbC7d h7KxQ2mPz9RtVw4N");
        assertThat(result.modelUpdate()).containsExactly(
                Map.entry("provider_location", LOCATION), Map.entry("provider_auth", CHAP.providerAuth()));
    }

    @Test
    void theRecordedExportIsWhatRtstoolLeaves() {
        // Read back from configfs by the helper: TPG 1 enabled, CHAP required per ACL, LUN 0 on
        // the backstore of the volume's device, one portal per address, saved.
        assertThat(ReplayedCommands.fixture("create.out")).contains("\"created\": true", "\"enabled\": true",
                "\"authentication\": 1", "\"generate_node_acls\": 0", "\"problems\": []", "\"saved\": true",
                "192.0.2.10:3260", "192.0.2.11:3260", DEV);
    }

    @Test
    void createExportOfAnExportedVolumeChangesNothing() throws Exception {
        // Cinder calls create_export on every attach; rtstool returns when the storage object exists.
        ReplayedCommands lio = new ReplayedCommands().expect(CREATE, "create-again");

        ExportResult result = new LioTarget(lio, false).createExport(request());

        lio.assertDone();
        assertThat(ReplayedCommands.fixture("create-again.out")).contains("\"created\": false");
        assertThat(result.providerLocation()).isEqualTo(LOCATION);
    }

    @Test
    void createExportOverAHalfMadeExportMakesItWhole() throws Exception {
        // A backstore without its target (a crash between two steps): the helper removes it and starts again.
        assertThat(ReplayedCommands.fixture("state-half-made.out")).contains("\"target\": false").doesNotContain("\"backstore\": null");
        ReplayedCommands lio = new ReplayedCommands().expect(CREATE, "create-over-half-made");

        ExportResult result = new LioTarget(lio, false).createExport(request());

        lio.assertDone();
        assertThat(ReplayedCommands.fixture("create-over-half-made.out")).contains("\"created\": true", "\"problems\": []");
        assertThat(result.providerLocation()).isEqualTo(LOCATION);
    }

    @Test
    void aFailedCreationReportsTheCommandAndItsErrorAndLeavesNothing() {
        // Port 22: sshd listens there, so LIO cannot bind the portal, after the backstore and target were made.
        ExportRequest portInUse = new ExportRequest(VOLUME_ID, NAME, DEV, CHAP, "iqn.2010-10.org.openstack:", "192.0.2.10",
                List.of(), 22);
        ReplayedCommands lio = new ReplayedCommands()
                .expect(List.of("ebs-lio", "create", IQN, DEV, "22", "192.0.2.10"), "create-portal-in-use");

        assertThatThrownBy(() -> new LioTarget(lio, false).createExport(portInUse))
                .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ISCSITargetCreateFailed");
                    assertThat(e.getMessage()).startsWith("Failed to create iscsi target for volume " + VOLUME_ID + ".");
                    assertThat(e.command()).isEqualTo(String.join(" ", lio.seen().get(0).argv()));
                    assertThat(e.exitCode()).isEqualTo(1);
                    assertThat(e.stderr()).contains("192.0.2.10");
                });
        lio.assertDone();
        // What the helper made before the portal failed was removed again: the recorded state after it.
        assertThat(ReplayedCommands.fixture("state-after-failed-create.out")).contains("\"backstore\": null", "\"target\": false");
    }

    @Test
    void initializeConnectionAddsTheInitiatorWithChapOnStdinAndReturnsCindersConnectionInfo() throws Exception {
        ReplayedCommands lio = new ReplayedCommands().expect(ADD, "add-initiator");

        Map<String, Object> info = new LioTarget(lio, false).initializeConnection(EXPORTED, HOST);

        lio.assertDone();
        assertThat(lio.seen().get(0).stdin()).isEqualTo("{\"userid\":\"Zq8kR3mNwX5tP2aVbC7d\",\"password\":\"h7KxQ2mPz9RtVw4N\"}");
        assertThat(info).containsExactly(Map.entry("driver_volume_type", "iscsi"), Map.entry("data", info.get("data")));
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) info.get("data");
        // Two portals: Cinder adds the lists even without multipath.
        assertThat(data).containsExactly(
                Map.entry("target_discovered", false),
                Map.entry("target_portals", List.of("192.0.2.10:3260", "192.0.2.11:3260")),
                Map.entry("target_iqns", List.of(IQN, IQN)),
                Map.entry("target_luns", List.of(0, 0)),
                Map.entry("target_portal", "192.0.2.10:3260"),
                Map.entry("target_iqn", IQN),
                Map.entry("target_lun", 0),
                Map.entry("volume_id", VOLUME_ID),
                Map.entry("auth_method", "CHAP"),
                Map.entry("auth_username", "Zq8kR3mNwX5tP2aVbC7d"),
                Map.entry("auth_password", "h7KxQ2mPz9RtVw4N"),
                Map.entry("encrypted", false));
        // The recorded state: one ACL, the initiator's (the lab logged in with these credentials and read).
        assertThat(ReplayedCommands.fixture("state-attached.out")).contains(INITIATOR);
    }

    @Test
    void initializeConnectionForAnInitiatorThatHasAnAclChangesNothing() throws Exception {
        // rtstool compares initiator names without regard to case.
        ReplayedCommands lio = new ReplayedCommands()
                .expect(List.of("ebs-lio", "add-initiator", IQN, INITIATOR.toUpperCase()), "add-initiator-again");

        new LioTarget(lio, false).initializeConnection(EXPORTED, new Connector(INITIATOR.toUpperCase(), false));

        lio.assertDone();
        assertThat(ReplayedCommands.fixture("add-initiator-again.out")).contains("\"added\": false");
    }

    @Test
    void initializeConnectionOfAMissingTargetFailsAsCindersLio() {
        ReplayedCommands lio = new ReplayedCommands().expect(ADD, "add-initiator-no-target");

        assertThatThrownBy(() -> new LioTarget(lio, false).initializeConnection(EXPORTED, HOST))
                .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ISCSITargetAttachFailed");
                    assertThat(e.getMessage()).contains("Could not find target " + IQN);
                    assertThat(e.exitCode()).isEqualTo(3);
                });
    }

    @Test
    void terminateConnectionRemovesTheInitiatorsAcl() throws Exception {
        ReplayedCommands lio = new ReplayedCommands().expect(REMOVE, "remove-initiator");

        new LioTarget(lio, false).terminateConnection(EXPORTED, HOST);

        lio.assertDone();
        assertThat(lio.seen().get(0).stdin()).isNull();
    }

    @Test
    void terminateConnectionWithoutAnAclIsASuccess() throws Exception {
        // rtstool: "delete_initiator: <iqn> ACL not found. Continuing."
        ReplayedCommands lio = new ReplayedCommands().expect(REMOVE, "remove-initiator-again");

        try (CapturedLogs logs = new CapturedLogs(LioTarget.class)) {
            new LioTarget(lio, false).terminateConnection(EXPORTED, HOST);
            assertThat(logs.text()).contains("ACL not found");
        }
        lio.assertDone();
    }

    @Test
    void removeExportDeletesTheExport() throws Exception {
        ReplayedCommands lio = new ReplayedCommands().expect(DELETE, "delete");

        try (CapturedLogs logs = new CapturedLogs(LioTarget.class)) {
            new LioTarget(lio, false).removeExport(EXPORTED);
            assertThat(logs.text()).contains("Removed LIO export " + IQN);
        }
        lio.assertDone();
    }

    @Test
    void removeExportOfAVolumeThatIsNotExportedIsASuccess() throws Exception {
        ReplayedCommands lio = new ReplayedCommands().expect(DELETE, "delete-again");

        try (CapturedLogs logs = new CapturedLogs(LioTarget.class)) {
            new LioTarget(lio, false).removeExport(EXPORTED);
            assertThat(logs.text()).contains("Skipping remove_export");
        }
        lio.assertDone();
    }

    @Test
    void removeExportOfAVolumeWithoutALocationRunsNothing() throws Exception {
        ReplayedCommands lio = new ReplayedCommands();

        new LioTarget(lio, false).removeExport(new ExportedVolume(VOLUME_ID, NAME, null, null, false));

        lio.assertDone();
    }

    @Test
    void existsAsksTheHelperForTheTarget() throws Exception {
        ReplayedCommands lio = new ReplayedCommands().expect(STATE, "state-attached").expect(STATE, "state-before-export");
        LioTarget target = new LioTarget(lio, false);

        assertThat(target.exists(EXPORTED)).isTrue();
        assertThat(target.exists(EXPORTED)).isFalse();
    }

    @Test
    void aFailedSaveIsOnlyLogged() throws Exception {
        // Cinder's _persist_configuration: the live target works, the next save will catch up.
        ReplayedCommands lio = new ReplayedCommands().expect(ADD, "add-initiator-save-failed");

        try (CapturedLogs logs = new CapturedLogs(LioTarget.class)) {
            new LioTarget(lio, false).initializeConnection(EXPORTED, HOST);
            assertThat(logs.text()).contains("Failed to save iscsi LIO configuration when modifying volume id: " + VOLUME_ID);
        }
        lio.assertDone();
    }

    @Test
    void thePasswordIsNeverInAnArgumentListOrTheLog() throws Exception {
        ReplayedCommands lio = new ReplayedCommands().expect(CREATE, "create").expect(ADD, "add-initiator")
                .expect(REMOVE, "remove-initiator").expect(DELETE, "delete");
        LioTarget target = new LioTarget(lio, false);

        try (CapturedLogs logs = new CapturedLogs(LioTarget.class)) {
            target.createExport(request());
            target.initializeConnection(EXPORTED, HOST);
            target.terminateConnection(EXPORTED, HOST);
            target.removeExport(EXPORTED);
            assertThat(logs.text()).doesNotContain(CHAP.password());
        }
        lio.assertDone();
        for (ReplayedCommands.Call call : lio.seen()) {
            assertThat(call.argv()).as("%s", call.argv().subList(0, 2)).noneMatch(a -> a.contains(CHAP.password()));
        }
        for (String recording : List.of("create", "add-initiator", "state-attached", "add-initiator-save-failed")) {
            assertThat(ReplayedCommands.fixture(recording + ".out") + ReplayedCommands.fixture(recording + ".err"))
                    .as("what the helper printed for %s", recording).doesNotContain(CHAP.password());
        }
    }

    @Test
    void theRealRunnerHandsTheSecretToTheCommandOnStdin() throws Exception {
        // 'cat' stands in for the helper: what it prints is what it was given on stdin.
        CommandRunner runner = new CommandRunner(Set.of("cat"), List.of(), Duration.ofSeconds(10));
        CommandResult r = runner.run(List.of("cat"), "{\"password\":\"h7KxQ2mPz9RtVw4N\"}");
        assertThat(r.stdout()).isEqualTo("{\"password\":\"h7KxQ2mPz9RtVw4N\"}");
        assertThat(r.command()).isEqualTo("cat");
    }

    @Test
    void anInitiatorNameThatIsNotAnIscsiNameIsRefusedBeforeAnyCall() {
        ReplayedCommands lio = new ReplayedCommands();

        assertThatThrownBy(() -> new LioTarget(lio, false)
                .initializeConnection(EXPORTED, new Connector("iqn.1993-08.org.debian:01:x generate_node_acls=1", false)))
                .isInstanceOf(DriverException.class).hasMessageContaining("is not a valid iSCSI name");
        lio.assertDone();
        // The helper refuses it too, should anything else ever call it.
        assertThat(ReplayedCommands.fixture("refused-initiator.rc").strip()).isEqualTo("2");
        assertThat(ReplayedCommands.fixture("refused-initiator.err")).contains("not a valid iSCSI name");
    }
}
