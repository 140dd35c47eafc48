package org.ebsvolume.drivers.replication;

import org.ebsvolume.drivers.drbd.DrbdHost;
import org.ebsvolume.drivers.drbd.DrbdProtocol;
import org.ebsvolume.drivers.drbd.DrbdSlot;
import org.ebsvolume.drivers.drbd.InvalidDrbdConfigException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The replica calls' values survive the wire and nothing unchecked comes out of it. */
class ReplicaRequestTest {

    private static final String RES = "volume-3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c";

    private static ReplicaRequest request() {
        return new ReplicaRequest("3f2a9c1e-5b7d-4e8a-9c01-2d3e4f5a6b7c", RES, 10, new DrbdSlot(7790, 1001), DrbdProtocol.B, 102400,
                new DrbdHost("nodec", "10.99.0.13", "/dev/cinder-volumes/" + RES));
    }

    @Test
    void aRequestRoundTripsThroughItsArguments() {
        assertThat(ReplicaRequest.fromArgs(request().toArgs())).isEqualTo(request());
    }

    @Test
    void badValuesAreRefused() {
        Map<String, Object> args = new LinkedHashMap<>(request().toArgs());
        args.put("primary_disk", "/dev/cinder-volumes/x\"; handler");
        assertThatThrownBy(() -> ReplicaRequest.fromArgs(args)).isInstanceOf(InvalidDrbdConfigException.class);
        args.putAll(request().toArgs());
        args.put("size_gb", 1.5);
        assertThatThrownBy(() -> ReplicaRequest.fromArgs(args)).isInstanceOf(IllegalArgumentException.class);
        args.put("size_gb", 10);
        args.put("protocol", "D");
        assertThatThrownBy(() -> ReplicaRequest.fromArgs(args)).isInstanceOf(InvalidDrbdConfigException.class);
        args.put("protocol", "C");
        args.put("primary_address", "10.99.0.13; rm");
        assertThatThrownBy(() -> ReplicaRequest.fromArgs(args)).isInstanceOf(InvalidDrbdConfigException.class);
    }

    @Test
    void factsAndSidesRoundTrip() {
        ReplicaFacts facts = new ReplicaFacts("noded", "10.99.0.14", Set.of(7789, 7791), Set.of(1000, 1002), true, true, "down");
        assertThat(ReplicaFacts.fromMap(facts.toMap())).isEqualTo(facts);
        ReplicaSide side = new ReplicaSide(new DrbdHost("noded", "10.99.0.14", "/dev/cinder-volumes/" + RES), true, true);
        assertThat(ReplicaSide.fromMap(side.toMap())).isEqualTo(side);
    }
}
