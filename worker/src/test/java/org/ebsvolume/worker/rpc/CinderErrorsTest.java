package org.ebsvolume.worker.rpc;

import org.ebsvolume.messaging.ExposedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The remote exceptions as they go on the wire: Cinder's module, class name, message and kwargs. */
class CinderErrorsTest {

    @Test
    void aDriverErrorIsCindersVolumeDriverException() {
        ExposedException e = CinderErrors.driverError("disk on fire");

        assertThat(e.pythonModule()).isEqualTo("cinder.exception");
        assertThat(e.pythonClass()).isEqualTo("VolumeDriverException");
        assertThat(e.getMessage()).isEqualTo("Volume driver reported an error: disk on fire");
        assertThat(e.kwargs().toString()).isEqualTo("{\"code\":500}");
    }

    @Test
    void anInvalidReplicationTargetCarriesItsReasonAnd400() {
        ExposedException e = CinderErrors.invalidReplicationTarget("no such target");

        assertThat(e.pythonModule()).isEqualTo("cinder.exception");
        assertThat(e.pythonClass()).isEqualTo("InvalidReplicationTarget");
        assertThat(e.kwargs().toString()).isEqualTo("{\"reason\":\"no such target\",\"code\":400}");
    }

    @Test
    void anAttachedVolumeIsVolumeAttachedWithItsId() {
        ExposedException e = CinderErrors.volumeAttached("v-1");

        assertThat(e.pythonModule()).isEqualTo("cinder.exception");
        assertThat(e.pythonClass()).isEqualTo("VolumeAttached");
        assertThat(e.getMessage()).isEqualTo("Volume v-1 is still attached, detach volume first.");
        assertThat(e.kwargs().toString()).isEqualTo("{\"volume_id\":\"v-1\",\"code\":400}");
    }

    @Test
    void aFailedExportRemovalIsRemoveExportExceptionWithVolumeAndReason() {
        ExposedException e = CinderErrors.removeExportFailed("v-1", "target busy");

        assertThat(e.pythonModule()).isEqualTo("cinder.exception");
        assertThat(e.pythonClass()).isEqualTo("RemoveExportException");
        assertThat(e.getMessage()).isEqualTo("Failed to remove export for volume v-1: target busy");
        assertThat(e.kwargs().toString()).isEqualTo("{\"volume\":\"v-1\",\"reason\":\"target busy\",\"code\":500}");
    }
}
