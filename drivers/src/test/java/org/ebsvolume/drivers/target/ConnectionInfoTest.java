package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.DriverException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code ISCSITarget._get_iscsi_properties} and {@code _iscsi_location}, key by key. */
class ConnectionInfoTest {

    private static final String IQN = "iqn.2010-10.org.openstack:volume-00000001";
    private static final String AUTH = "CHAP Zq8kR3mNwX5tP2aVbC7d h7KxQ2mPz9RtVw4N";

    private static Map<String, Object> data(String location, boolean multipath, boolean discard) throws DriverException {
        ExportedVolume v = new ExportedVolume("9a0d35d0-175a-11e4-8c21-0800200c9a66", "volume-00000001", location, AUTH, false);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) IscsiTarget.connectionInfo(v, multipath, discard).get("data");
        return data;
    }

    @Test
    void oneTgtPortalGivesCindersKeysInCindersOrder() throws Exception {
        assertThat(data("192.0.2.10:3260,1 " + IQN + " 1", false, false)).containsExactly(
                Map.entry("target_discovered", false),
                Map.entry("target_portal", "192.0.2.10:3260"),
                Map.entry("target_iqn", IQN),
                Map.entry("target_lun", 1),
                Map.entry("volume_id", "9a0d35d0-175a-11e4-8c21-0800200c9a66"),
                Map.entry("auth_method", "CHAP"),
                Map.entry("auth_username", "Zq8kR3mNwX5tP2aVbC7d"),
                Map.entry("auth_password", "h7KxQ2mPz9RtVw4N"),
                Map.entry("encrypted", false));
    }

    @Test
    void multipathAsksForTheListsEvenWithOnePortal() throws Exception {
        Map<String, Object> data = data("192.0.2.10:3260,1 " + IQN + " 1", true, false);

        assertThat(data).containsEntry("target_portals", List.of("192.0.2.10:3260"))
                .containsEntry("target_iqns", List.of(IQN)).containsEntry("target_luns", List.of(1));
    }

    @Test
    void discardIsPresentOnlyWhenTheBackendReportsIt() throws Exception {
        assertThat(data("192.0.2.10:3260,1 " + IQN + " 1", false, true)).containsEntry("discard", true);
        assertThat(data("192.0.2.10:3260,1 " + IQN + " 1", false, false)).doesNotContainKey("discard");
    }

    @Test
    void locationsAreFormattedAsCinderDoes() {
        assertThat(ProviderLocation.of(List.of("192.0.2.10"), 3260, "1", IQN, 1).format())
                .isEqualTo("192.0.2.10:3260,1 " + IQN + " 1");
        assertThat(ProviderLocation.of(List.of("192.0.2.10", "fd00::10", "::ffff:192.0.2.12"), 3261, IQN, IQN, 0).format())
                .isEqualTo("192.0.2.10:3261;[fd00::10]:3261;[::ffff:192.0.2.12]:3261," + IQN + " " + IQN + " 0");
        assertThat(ProviderLocation.sanitizeHost("[fd00::10]")).isEqualTo("[fd00::10]");
        assertThat(ProviderLocation.sanitizeHost("storage1.example.org")).isEqualTo("storage1.example.org");
    }

    @Test
    void aLunThatIsNotANumberIsZeroAsInCinder() {
        assertThat(ProviderLocation.parse("192.0.2.10:3260,1 " + IQN).lun()).isZero();
        assertThat(ProviderLocation.parse("192.0.2.10:3260,1 " + IQN + " x").lun()).isZero();
    }

    @Test
    void aVolumeWithoutLocationCannotBeConnected() {
        ExportedVolume v = new ExportedVolume("id", "volume-id", null, AUTH, false);

        assertThatThrownBy(() -> IscsiTarget.connectionInfo(v, false, false))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidVolume"));
    }

    @Test
    void aConnectorWithoutInitiatorIsRefusedAsInCinder() {
        Map<String, Object> connector = new HashMap<>(Map.of("host", "compute1", "multipath", true));

        assertThatThrownBy(() -> Connector.from(connector))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.cinderClass()).isEqualTo("InvalidConnectorException");
                    assertThat(e.getMessage()).isEqualTo("Connector doesn't have required information: initiator");
                });
    }

    @Test
    void connectorMultipathIsReadAsPythonTruth() throws Exception {
        assertThat(Connector.from(Map.of("initiator", "iqn.x:y", "multipath", true)).multipath()).isTrue();
        assertThat(Connector.from(Map.of("initiator", "iqn.x:y", "multipath", false)).multipath()).isFalse();
        assertThat(Connector.from(Map.of("initiator", "iqn.x:y")).multipath()).isFalse();
    }

    @Test
    void aMultiattachVolumeKeepsAccessWhileTheSameHostHasAnotherAttachment() {
        Connector host = new Connector("iqn.1993-08.org.debian:01:aaa", false);
        List<String> twoOnHost = List.of("iqn.1993-08.org.debian:01:aaa", "iqn.1993-08.org.debian:01:aaa");
        List<String> oneOnHost = List.of("iqn.1993-08.org.debian:01:aaa", "iqn.1993-08.org.debian:01:bbb");

        assertThat(IscsiTarget.keepAccessForOtherAttachments(true, twoOnHost, host)).isTrue();
        assertThat(IscsiTarget.keepAccessForOtherAttachments(true, oneOnHost, host)).isFalse();
        assertThat(IscsiTarget.keepAccessForOtherAttachments(false, twoOnHost, host)).isFalse();
    }
}
