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
 * LIO through targetcli, against targetcli replies recorded in the lab (no configfs here). Each
 * step is compared with what {@code cinder-rtstool} does through rtslib (Cinder 21.3.1
 * {@code cinder/cmd/rtstool.py}); the comment on each expected command names the rtslib call it
 * stands for.
 */
class LioTargetTest {

    static final String VOLUME_ID = "5b4c4b0e-3f6a-4c41-9d7e-2a1f6f0c9a11";
    static final String NAME = "volume-" + VOLUME_ID;
    static final String IQN = "iqn.2010-10.org.openstack:" + NAME;
    static final String DEV = "/dev/ebsvg/" + NAME;
    static final String TPG = "/iscsi/" + IQN + "/tpg1";
    static final String INITIATOR = "iqn.1993-08.org.debian:01:8f5b2c3d9e1a";
    static final ChapCredentials CHAP = new ChapCredentials("Zq8kR3mNwX5tP2aVbC7d", "h7KxQ2mPz9RtVw4N");
    static final String LOCATION = "192.0.2.10:3260;192.0.2.11:3260," + IQN + " " + IQN + " 0";
    static final ExportedVolume EXPORTED = new ExportedVolume(VOLUME_ID, NAME, LOCATION, CHAP.providerAuth(), false);
    static final Connector HOST = new Connector(INITIATOR, false);

    static final List<String> LS = List.of("targetcli", "ls");
    static final List<String> SAVE = List.of("targetcli", "saveconfig");

    private static ExportRequest request() {
        return new ExportRequest(VOLUME_ID, NAME, DEV, CHAP, "iqn.2010-10.org.openstack:", "192.0.2.10",
                List.of("192.0.2.11"), 3260);
    }

    /** rtstool create + get-targets + save, as targetcli commands. */
    private static ReplayedCommands creation(ReplayedCommands script) {
        return creationSteps(script)
                // LioAdm._get_target (get-targets): the target must now exist
                .expect(LS, "ls-exported.txt")
                // cinder-rtstool save
                .expect(SAVE, "saveconfig.txt");
    }

    /** What rtstool create does through rtslib, as targetcli commands. */
    private static ReplayedCommands creationSteps(ReplayedCommands script) {
        return script
                // BlockStorageObject(name=<iqn>, dev=<dev>)
                .expect(List.of("targetcli", "/backstores/block", "create", "name=" + IQN, "dev=" + DEV), "backstore-create.txt")
                // Target(FabricModule('iscsi'), <iqn>) + TPG(target) (tag 1); targetcli adds 0.0.0.0:3260 itself…
                .expect(List.of("targetcli", "/iscsi", "create", IQN), "target-create.txt")
                // …which rtstool never has: it binds only the -a addresses
                .expect(List.of("targetcli", TPG + "/portals", "delete", "ip_address=0.0.0.0", "ip_port=3260"), "portal-delete-default.txt")
                // tpg.set_attribute('authentication', '1')
                .expect(List.of("targetcli", TPG, "set", "attribute", "authentication=1"), "tpg-set-authentication.txt")
                // LUN(tpg, storage_object=so) -> LUN 0
                .expect(List.of("targetcli", TPG + "/luns", "create", "/backstores/block/" + IQN), "lun-create.txt")
                // NetworkPortal(tpg, ip, port) for each -a address, -p port
                .expect(List.of("targetcli", TPG + "/portals", "create", "ip_address=192.0.2.10", "ip_port=3260"), "portal-create-192.0.2.10.txt")
                .expect(List.of("targetcli", TPG + "/portals", "create", "ip_address=192.0.2.11", "ip_port=3260"), "portal-create-192.0.2.11.txt");
    }

    @Test
    void createExportRunsRtstoolsStepsAndReturnsCindersLocationAndAuth() throws Exception {
        ReplayedCommands targetcli = creation(new ReplayedCommands().expect(LS, "ls-before-export.txt"));

        ExportResult result = new LioTarget(targetcli, false).createExport(request());

        targetcli.assertDone();
        assertThat(result.providerLocation()).isEqualTo(LOCATION);
        assertThat(result.providerAuth()).isEqualTo("CHAP Zq8kR3mNwX5tP2aVbC7d h7KxQ2mPz9RtVw4N");
        assertThat(result.modelUpdate()).containsExactly(
                Map.entry("provider_location", LOCATION), Map.entry("provider_auth", CHAP.providerAuth()));
    }

    @Test
    void createExportOfAnExportedVolumeChangesNothing() throws Exception {
        // Cinder calls create_export on every attach; rtstool returns when the storage object exists.
        ReplayedCommands targetcli = new ReplayedCommands().expect(LS, "ls-attached.txt");

        ExportResult result = new LioTarget(targetcli, false).createExport(request());

        targetcli.assertDone();
        assertThat(result.providerLocation()).isEqualTo(LOCATION);
    }

    @Test
    void createExportClearsAHalfMadeExportFirst() throws Exception {
        // A backstore without its target (crash between two steps) is deleted, then all is made anew.
        ReplayedCommands targetcli = creation(new ReplayedCommands()
                .expect(LS, "ls-half-made.txt")
                .expect(List.of("targetcli", "/backstores/block", "delete", IQN), "backstore-delete.txt"));

        new LioTarget(targetcli, false).createExport(request());

        targetcli.assertDone();
    }

    @Test
    void aTpgLeftDisabledByTheHostsPrefsIsEnabled() throws Exception {
        // rtstool sets tpg.enable = 1; targetcli enables only when its auto_enable_tpgt pref is on.
        ReplayedCommands targetcli = creationSteps(new ReplayedCommands().expect(LS, "ls-before-export.txt"))
                .expect(LS, "ls-exported-tpg-disabled.txt")
                .expect(List.of("targetcli", TPG, "enable"), "tpg-enable.txt")
                .expect(LS, "ls-exported.txt")
                .expect(SAVE, "saveconfig.txt");

        new LioTarget(targetcli, false).createExport(request());

        targetcli.assertDone();
    }

    @Test
    void aFailedCreationStepDeletesWhatWasMadeAndReportsTheCommand() {
        ReplayedCommands targetcli = new ReplayedCommands()
                .expect(LS, "ls-before-export.txt")
                .expect(List.of("targetcli", "/backstores/block", "create", "name=" + IQN, "dev=" + DEV), "backstore-create.txt")
                .expect(List.of("targetcli", "/iscsi", "create", IQN), "target-create.txt")
                .expect(List.of("targetcli", TPG + "/portals", "delete", "ip_address=0.0.0.0", "ip_port=3260"), "portal-delete-default.txt")
                .expect(List.of("targetcli", TPG, "set", "attribute", "authentication=1"), "tpg-set-authentication.txt")
                .expectFailure(List.of("targetcli", TPG + "/luns", "create", "/backstores/block/" + IQN), 1, "",
                        "storage object or path not valid\n")
                .expect(List.of("targetcli", "/iscsi", "delete", IQN), "target-delete.txt")
                .expect(List.of("targetcli", "/backstores/block", "delete", IQN), "backstore-delete.txt");

        assertThatThrownBy(() -> new LioTarget(targetcli, false).createExport(request()))
                .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ISCSITargetCreateFailed");
                    assertThat(e.getMessage()).startsWith("Failed to create iscsi target for volume " + VOLUME_ID + ".");
                    assertThat(e.command()).isEqualTo("targetcli " + TPG + "/luns create /backstores/block/" + IQN);
                    assertThat(e.exitCode()).isEqualTo(1);
                    assertThat(e.stderr()).contains("storage object or path not valid");
                });
        targetcli.assertDone();
    }

    @Test
    void initializeConnectionAddsAnAclWithChapAndReturnsCindersConnectionInfo() throws Exception {
        ReplayedCommands targetcli = new ReplayedCommands()
                .expect(LS, "ls-exported.txt")
                // NodeACL(tpg, initiator) + MappedLUN(acl, 0, tpg_lun=0)
                .expect(List.of("targetcli", TPG + "/acls", "create", INITIATOR, "add_mapped_luns=true"), "acl-create.txt")
                // acl.chap_userid / acl.chap_password
                .expect(List.of("targetcli", TPG + "/acls/" + INITIATOR, "set", "auth",
                        "userid=Zq8kR3mNwX5tP2aVbC7d", "password=h7KxQ2mPz9RtVw4N"), "acl-set-auth.txt")
                .expect(SAVE, "saveconfig.txt");

        Map<String, Object> info = new LioTarget(targetcli, false).initializeConnection(EXPORTED, HOST);

        targetcli.assertDone();
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
    }

    @Test
    void initializeConnectionForAnInitiatorThatHasAnAclChangesNothing() throws Exception {
        ReplayedCommands targetcli = new ReplayedCommands().expect(LS, "ls-attached.txt");

        // rtstool compares initiator names without regard to case.
        new LioTarget(targetcli, false).initializeConnection(EXPORTED, new Connector(INITIATOR.toUpperCase(), false));

        targetcli.assertDone();
    }

    @Test
    void initializeConnectionOfAMissingTargetFails() {
        ReplayedCommands targetcli = new ReplayedCommands().expect(LS, "ls-before-export.txt");

        assertThatThrownBy(() -> new LioTarget(targetcli, false).initializeConnection(EXPORTED, HOST))
                .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("ISCSITargetAttachFailed");
                    assertThat(e.getMessage()).contains("Could not find target " + IQN);
                });
    }

    @Test
    void terminateConnectionDeletesTheInitiatorsAcl() throws Exception {
        ReplayedCommands targetcli = new ReplayedCommands()
                .expect(LS, "ls-attached.txt")
                // acl.delete()
                .expect(List.of("targetcli", TPG + "/acls", "delete", INITIATOR), "acl-delete.txt")
                .expect(SAVE, "saveconfig.txt");

        new LioTarget(targetcli, false).terminateConnection(EXPORTED, HOST);

        targetcli.assertDone();
    }

    @Test
    void terminateConnectionWithoutAnAclIsASuccess() throws Exception {
        // rtstool: "delete_initiator: <iqn> ACL not found. Continuing."
        ReplayedCommands targetcli = new ReplayedCommands().expect(LS, "ls-exported.txt");

        new LioTarget(targetcli, false).terminateConnection(EXPORTED, HOST);

        targetcli.assertDone();
    }

    @Test
    void removeExportDeletesTargetThenBackstore() throws Exception {
        ReplayedCommands targetcli = new ReplayedCommands()
                .expect(LS, "ls-attached.txt")
                // rtstool delete: target.delete(), then storage_object.delete()
                .expect(List.of("targetcli", "/iscsi", "delete", IQN), "target-delete.txt")
                .expect(List.of("targetcli", "/backstores/block", "delete", IQN), "backstore-delete.txt")
                .expect(SAVE, "saveconfig.txt");

        new LioTarget(targetcli, false).removeExport(EXPORTED);

        targetcli.assertDone();
    }

    @Test
    void removeExportOfAVolumeThatIsNotExportedIsASuccess() throws Exception {
        ReplayedCommands targetcli = new ReplayedCommands().expect(LS, "ls-before-export.txt");

        new LioTarget(targetcli, false).removeExport(EXPORTED);

        targetcli.assertDone();
    }

    @Test
    void existsReadsTheTargetFromTheTree() throws Exception {
        ReplayedCommands targetcli = new ReplayedCommands().expect(LS, "ls-exported.txt").expect(LS, "ls-before-export.txt");
        LioTarget lio = new LioTarget(targetcli, false);

        assertThat(lio.exists(EXPORTED)).isTrue();
        assertThat(lio.exists(EXPORTED)).isFalse();
    }

    @Test
    void aFailedSaveconfigIsOnlyLogged() throws Exception {
        // Cinder's _persist_configuration: the live target works, the next save will catch up.
        ReplayedCommands targetcli = new ReplayedCommands()
                .expect(LS, "ls-attached.txt")
                .expect(List.of("targetcli", TPG + "/acls", "delete", INITIATOR), "acl-delete.txt")
                .expectFailure(SAVE, 1, "", "[Errno 28] No space left on device: '/etc/rtslib-fb-target/saveconfig.json.temp'\n");

        try (CapturedLogs logs = new CapturedLogs(LioTarget.class)) {
            new LioTarget(targetcli, false).terminateConnection(EXPORTED, HOST);
            assertThat(logs.text()).contains("Failed to save iscsi LIO configuration").contains("No space left on device");
        }
        targetcli.assertDone();
    }

    @Test
    void everyTargetcliCommandLineIsMaskedByTheCommandRunner() throws Exception {
        // Record every argument list a full export/attach/detach/remove cycle produces…
        ReplayedCommands targetcli = creation(new ReplayedCommands().expect(LS, "ls-before-export.txt"))
                .expect(LS, "ls-exported.txt")
                .expect(List.of("targetcli", TPG + "/acls", "create", INITIATOR, "add_mapped_luns=true"), "acl-create.txt")
                .expect(List.of("targetcli", TPG + "/acls/" + INITIATOR, "set", "auth",
                        "userid=Zq8kR3mNwX5tP2aVbC7d", "password=h7KxQ2mPz9RtVw4N"), "acl-set-auth.txt")
                .expect(SAVE, "saveconfig.txt");
        LioTarget lio = new LioTarget(targetcli, false);
        lio.createExport(request());
        lio.initializeConnection(EXPORTED, HOST);
        targetcli.assertDone();

        // …and run each through the real CommandRunner (its root helper 'true' stands in for sudo
        // and makes the call succeed without targetcli): the command it reports is what logs and
        // errors show.
        CommandRunner runner = new CommandRunner(Set.of("targetcli"), List.of("true"), Duration.ofSeconds(10));
        for (List<String> argv : targetcli.seen()) {
            CommandResult shown = runner.run(argv);
            assertThat(shown.command()).as("%s", argv.subList(0, 2)).doesNotContain(CHAP.password());
        }
        List<String> setAuth = targetcli.seen().stream().filter(a -> a.contains("auth")).findFirst().orElseThrow();
        assertThat(runner.run(setAuth).command()).endsWith("set auth userid=Zq8kR3mNwX5tP2aVbC7d password=***");
    }

    @Test
    void theEchoedPasswordNeverReachesTheLog() throws Exception {
        // targetcli answers "set auth" with "Parameter password is now '<secret>'."
        assertThat(ReplayedCommands.fixture("acl-set-auth.txt")).contains(CHAP.password());
        ReplayedCommands targetcli = new ReplayedCommands()
                .expect(LS, "ls-exported.txt")
                .expect(List.of("targetcli", TPG + "/acls", "create", INITIATOR, "add_mapped_luns=true"), "acl-create.txt")
                .expect(List.of("targetcli", TPG + "/acls/" + INITIATOR, "set", "auth",
                        "userid=Zq8kR3mNwX5tP2aVbC7d", "password=h7KxQ2mPz9RtVw4N"), "acl-set-auth.txt")
                .expect(SAVE, "saveconfig.txt");

        try (CapturedLogs logs = new CapturedLogs(LioTarget.class)) {
            new LioTarget(targetcli, false).initializeConnection(EXPORTED, HOST);
            assertThat(logs.text()).contains("Parameter password is now '***'").doesNotContain(CHAP.password());
        }
    }

    @Test
    void aFailureToSetChapKeepsThePasswordOutOfTheErrorAndRemovesTheAcl() {
        ReplayedCommands targetcli = new ReplayedCommands()
                .expect(LS, "ls-exported.txt")
                .expect(List.of("targetcli", TPG + "/acls", "create", INITIATOR, "add_mapped_luns=true"), "acl-create.txt")
                // Worst case: the tool repeats the secret on both streams, and the fake's command
                // line is not masked at all.
                .expectFailure(List.of("targetcli", TPG + "/acls/" + INITIATOR, "set", "auth",
                                "userid=Zq8kR3mNwX5tP2aVbC7d", "password=h7KxQ2mPz9RtVw4N"), 1,
                        "Parameter userid is now 'Zq8kR3mNwX5tP2aVbC7d'.\n",
                        "Cannot set auth attribute password to 'h7KxQ2mPz9RtVw4N': [Errno 22] Invalid argument\n")
                .expect(List.of("targetcli", TPG + "/acls", "delete", INITIATOR), "acl-delete.txt");

        try (CapturedLogs logs = new CapturedLogs(LioTarget.class)) {
            assertThatThrownBy(() -> new LioTarget(targetcli, false).initializeConnection(EXPORTED, HOST))
                    .isInstanceOfSatisfying(IscsiTargetException.class, e -> {
                        assertThat(e.cinderClass()).isEqualTo("ISCSITargetAttachFailed");
                        assertThat(e.getMessage()).contains("password=***").contains("Invalid argument")
                                .doesNotContain(CHAP.password());
                        assertThat(e.command()).doesNotContain(CHAP.password());
                        assertThat(e.stderr()).doesNotContain(CHAP.password());
                        assertThat(e.getCause()).isNull();
                    });
            assertThat(logs.text()).doesNotContain(CHAP.password());
        }
        targetcli.assertDone();
    }

    @Test
    void anInitiatorNameThatWouldBreakTheCommandLineIsRefused() {
        ReplayedCommands targetcli = new ReplayedCommands();

        assertThatThrownBy(() -> new LioTarget(targetcli, false)
                .initializeConnection(EXPORTED, new Connector("iqn.1993-08.org.debian:01:x generate_node_acls=1", false)))
                .isInstanceOf(DriverException.class).hasMessageContaining("is not a valid iSCSI name");
        targetcli.assertDone();
    }
}
