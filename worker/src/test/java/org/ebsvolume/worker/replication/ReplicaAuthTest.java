package org.ebsvolume.worker.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replica channel's authentication: only a peer with the shared secret, unaltered, fresh and once. */
class ReplicaAuthTest {

    private static final String SECRET = "0123456789abcdef-shared";
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private final ReplicaAuth primary = new ReplicaAuth("hci-0001", Map.of("hci-0002", SECRET), clock(NOW));
    private final ReplicaAuth backup = new ReplicaAuth("hci-0002", Map.of("hci-0001", SECRET), clock(NOW));

    private static Clock clock(Instant at) {
        return Clock.fixed(at, ZoneOffset.UTC);
    }

    private static ObjectNode args() {
        ObjectNode a = PythonJson.MAPPER.createObjectNode();
        a.put("volume_id", "3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c");
        a.put("resource", "volume-3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c");
        a.put("size_gb", 10);
        a.putObject("nested").put("b", 2).put("a", 1);
        return a;
    }

    @Test
    void aSignedCallFromAKnownPeerVerifiesAndNamesTheCaller() throws Exception {
        ObjectNode signed = primary.sign("hci-0002", "replica_prepare", args());

        assertThat(backup.verify("replica_prepare", signed)).isEqualTo("hci-0001");
        assertThat(signed.toString()).doesNotContain(SECRET);
        assertThat(signed.path("auth").fieldNames()).toIterable().containsExactly("caller", "timestamp", "nonce", "signature");
    }

    @Test
    void theSignatureCoversArgumentsNotTheirOrder() throws Exception {
        ObjectNode signed = primary.sign("hci-0002", "replica_state", args());
        ObjectNode reordered = PythonJson.MAPPER.createObjectNode();
        reordered.set("auth", signed.get("auth"));
        reordered.putObject("nested").put("a", 1).put("b", 2);
        reordered.put("size_gb", 10);
        reordered.put("resource", "volume-3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c");
        reordered.put("volume_id", "3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c");

        assertThat(backup.verify("replica_state", reordered)).isEqualTo("hci-0001");
    }

    @Test
    void tamperedArgumentsAreRejected() {
        ObjectNode signed = primary.sign("hci-0002", "replica_prepare", args());
        signed.put("size_gb", 11);

        assertThatThrownBy(() -> backup.verify("replica_prepare", signed)).isInstanceOf(ReplicaAuth.ReplicaAuthException.class)
                .hasMessageContaining("bad signature");
    }

    @Test
    void anotherMethodWithTheSameArgumentsIsRejected() {
        ObjectNode signed = primary.sign("hci-0002", "replica_state", args());

        assertThatThrownBy(() -> backup.verify("replica_remove", signed)).hasMessageContaining("bad signature");
    }

    @Test
    void aDifferentCallerClaimIsRejected() {
        ReplicaAuth third = new ReplicaAuth("hci-0003", Map.of("hci-0002", SECRET), clock(NOW));
        ObjectNode signed = primary.sign("hci-0002", "replica_state", args());
        ((ObjectNode) signed.get("auth")).put("caller", "hci-0003");

        assertThatThrownBy(() -> backup.verify("replica_state", signed)).hasMessageContaining("unknown caller");
        ReplicaAuth backupKnowingBoth = new ReplicaAuth("hci-0002", Map.of("hci-0001", SECRET, "hci-0003", "another-secret-0123456"),
                clock(NOW));
        assertThatThrownBy(() -> backupKnowingBoth.verify("replica_state", third.sign("hci-0002", "replica_state", args())))
                .hasMessageContaining("bad signature");
    }

    @Test
    void aWrongSecretIsRejected() {
        ReplicaAuth impostor = new ReplicaAuth("hci-0001", Map.of("hci-0002", "not-the-shared-secret-42"), clock(NOW));

        assertThatThrownBy(() -> backup.verify("replica_prepare", impostor.sign("hci-0002", "replica_prepare", args())))
                .isInstanceOf(ReplicaAuth.ReplicaAuthException.class).hasMessageContaining("bad signature")
                .hasMessageNotContaining("not-the-shared").hasMessageNotContaining(SECRET);
    }

    @Test
    void aStaleOrFutureTimestampIsRejected() throws Exception {
        ReplicaAuth late = new ReplicaAuth("hci-0001", Map.of("hci-0002", SECRET), clock(NOW.minus(Duration.ofMinutes(6))));
        ReplicaAuth early = new ReplicaAuth("hci-0001", Map.of("hci-0002", SECRET), clock(NOW.plus(Duration.ofMinutes(6))));
        ReplicaAuth justInTime = new ReplicaAuth("hci-0001", Map.of("hci-0002", SECRET), clock(NOW.minus(Duration.ofMinutes(4))));

        assertThatThrownBy(() -> backup.verify("replica_state", late.sign("hci-0002", "replica_state", args())))
                .hasMessageContaining("stale timestamp");
        assertThatThrownBy(() -> backup.verify("replica_state", early.sign("hci-0002", "replica_state", args())))
                .hasMessageContaining("stale timestamp");
        assertThat(backup.verify("replica_state", justInTime.sign("hci-0002", "replica_state", args()))).isEqualTo("hci-0001");
    }

    @Test
    void aReplayedCallIsRejected() throws Exception {
        ObjectNode signed = primary.sign("hci-0002", "replica_remove", args());

        backup.verify("replica_remove", signed);
        assertThatThrownBy(() -> backup.verify("replica_remove", signed)).hasMessageContaining("replayed");
    }

    @Test
    void aCallWithoutAuthenticationIsRejected() {
        assertThatThrownBy(() -> backup.verify("replica_prepare", args())).hasMessageContaining("no 'auth' argument");
        ObjectNode partial = args();
        partial.putObject("auth").put("caller", "hci-0001").put("signature", "00");
        assertThatThrownBy(() -> backup.verify("replica_prepare", partial)).hasMessageContaining("incomplete");
    }

    @Test
    void signingForAPeerWithoutASecretIsRefused() {
        assertThatThrownBy(() -> primary.sign("hci-0009", "replica_state", args())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no secret for replication peer hci-0009");
        assertThatThrownBy(() -> new ReplicaAuth("hci-0001", Map.of("hci-0002", ""), clock(NOW)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // A replication_device without a secret (the Python EBS driver's documented form).

    private final ReplicaAuth unsignedPrimary = ReplicaAuth.forPeers("hci-0001@EBS", Map.of("hci-0002@EBS", Optional.empty()), clock(NOW));
    private final ReplicaAuth unsignedBackup = ReplicaAuth.forPeers("hci-0002@EBS", Map.of("hci-0001@EBS", Optional.empty()), clock(NOW));

    @Test
    void aPeerConfiguredWithoutASecretIsNamedAndTrustedWithoutASignature() throws Exception {
        ObjectNode named = unsignedPrimary.sign("hci-0002@EBS", "replica_prepare", args());

        assertThat(named.path("auth").fieldNames()).toIterable().containsExactly("caller");
        assertThat(unsignedBackup.verify("replica_prepare", named)).isEqualTo("hci-0001@EBS");
    }

    @Test
    void aSignedCallToAHostWithoutTheSecretIsRefusedSayingBothMustAgree() {
        ReplicaAuth signingPrimary = new ReplicaAuth("hci-0001@EBS", Map.of("hci-0002@EBS", SECRET), clock(NOW));

        assertThatThrownBy(() -> unsignedBackup.verify("replica_state", signingPrimary.sign("hci-0002@EBS", "replica_state", args())))
                .isInstanceOf(ReplicaAuth.ReplicaAuthException.class)
                .hasMessageContaining("has no secret: configure the same secret on both hosts");
    }

    @Test
    void anUnsignedCallToAHostThatSharesASecretWithTheCallerIsRefused() {
        ReplicaAuth signingBackup = new ReplicaAuth("hci-0002@EBS", Map.of("hci-0001@EBS", SECRET), clock(NOW));

        assertThatThrownBy(() -> signingBackup.verify("replica_state", unsignedPrimary.sign("hci-0002@EBS", "replica_state", args())))
                .isInstanceOf(ReplicaAuth.ReplicaAuthException.class)
                .hasMessageContaining("is not signed, but this host's replication_device for hci-0001@EBS has a secret");
    }

    @Test
    void aCallerWithoutAnyReplicationDeviceHereIsStillRefused() {
        ReplicaAuth stranger = ReplicaAuth.forPeers("hci-0009@EBS", Map.of("hci-0002@EBS", Optional.empty()), clock(NOW));

        assertThatThrownBy(() -> unsignedBackup.verify("replica_state", stranger.sign("hci-0002@EBS", "replica_state", args())))
                .isInstanceOf(ReplicaAuth.ReplicaAuthException.class)
                .hasMessageContaining("unknown caller");
    }
}
