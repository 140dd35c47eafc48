package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The module version, which decides the dialect. */
class DrbdKernelVersionTest {

    @Test
    void procDrbdOfTheLabs84Module() {
        assertThat(DrbdKernelVersion.fromProcDrbd(Recorded.lab84("version-proc-drbd").stdout())).contains(new DrbdKernelVersion(8, 4, 11));
    }

    @Test
    void procDrbdOfADrbd9Module() {
        assertThat(DrbdKernelVersion.fromProcDrbd(Recorded.text("drbd9/proc-drbd.txt"))).contains(new DrbdKernelVersion(9, 2, 7));
    }

    @Test
    void drbdadmVersionWithAn84ModuleHasOnlyTheVersionCode() {
        // drbd-utils 9.22 printed DRBD_KERNEL_VERSION_CODE=0x08040b and no DRBD_KERNEL_VERSION= line
        assertThat(DrbdKernelVersion.fromDrbdadmVersion(Recorded.lab84("version-drbdadm").stdout())).contains(new DrbdKernelVersion(8, 4, 11));
    }

    @Test
    void drbdadmVersionWithADrbd9Module() {
        assertThat(DrbdKernelVersion.fromDrbdadmVersion(Recorded.text("drbd9/drbdadm-version.txt"))).contains(new DrbdKernelVersion(9, 2, 7));
    }

    @Test
    void drbdadmVersionWithoutAModuleHasNoVersion() {
        assertThat(DrbdKernelVersion.fromDrbdadmVersion(Recorded.parse(Recorded.text("host-drbd-utils/host-drbdadm-version-no-module.txt")).stdout())).isEmpty();
    }

    @Test
    void theDialectFollowsTheModulesMajorVersion() {
        assertThat(DrbdDialect.forKernel(new DrbdKernelVersion(8, 4, 11))).isEqualTo(DrbdDialect.V84);
        assertThat(DrbdDialect.forKernel(new DrbdKernelVersion(9, 2, 7))).isEqualTo(DrbdDialect.V9);
    }
}
