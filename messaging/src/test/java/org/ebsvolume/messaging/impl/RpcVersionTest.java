package org.ebsvolume.messaging.impl;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RpcVersionTest {

    @Test
    void sameMajorAndLowerMinorIsCompatible() {
        assertThat(RpcVersion.isCompatible("3.18", "3.0")).isTrue();
        assertThat(RpcVersion.isCompatible("3.18", "3.18")).isTrue();
    }

    @Test
    void higherMinorIsNotCompatible() {
        assertThat(RpcVersion.isCompatible("3.18", "3.19")).isFalse();
    }

    @Test
    void otherMajorIsNotCompatible() {
        assertThat(RpcVersion.isCompatible("3.18", "2.0")).isFalse();
        assertThat(RpcVersion.isCompatible("3.18", "4.0")).isFalse();
    }

    @Test
    void revisionCountsOnlyWhenMinorsAreEqual() {
        assertThat(RpcVersion.isCompatible("3.18", "3.17.5")).isTrue();
        assertThat(RpcVersion.isCompatible("3.18", "3.18.1")).isFalse();
        assertThat(RpcVersion.isCompatible("3.18.2", "3.18.1")).isTrue();
    }

    @Test
    void garbageVersionIsAnError() {
        assertThatThrownBy(() -> RpcVersion.isCompatible("3.18", "three")).isInstanceOf(IllegalArgumentException.class);
    }
}
