package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.DriverException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cinder's names, and lvm2's naming rules (each checked against lvm2 2.03.16 by hand). */
class LvmNamesTest {

    private static final String ID = "5b7e1f2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

    @Test
    void aVolumeIsNamedVolumeDashId() throws Exception {
        assertThat(LvmNames.volume(ID)).isEqualTo("volume-" + ID);
    }

    @Test
    void aSnapshotIsNamedUnderscoreSnapshotDashIdBecauseLvmReservesSnapshotPrefixes() throws Exception {
        assertThat(LvmNames.snapshot(ID)).isEqualTo("_snapshot-" + ID);
        assertThatThrownBy(() -> LvmNames.requireValidLvName("snapshot-" + ID)).hasMessageContaining("reserved");
    }

    @Test
    void theTemporaryCloneSnapshotAndTheThinPoolHaveCindersNames() throws Exception {
        assertThat(LvmNames.cloneSnapshot(ID)).isEqualTo("clone-snap-" + ID);
        assertThat(LvmNames.thinPool("cinder-volumes")).isEqualTo("cinder-volumes-pool");
    }

    @Test
    void anIdThatIsNotAUuidIsRefused() {
        for (String bad : new String[] {"1", "", "../etc", ID + "x", "-" + ID.substring(1)}) {
            assertThatThrownBy(() -> LvmNames.volume(bad)).as(bad)
                    .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidInput"));
        }
        assertThatThrownBy(() -> LvmNames.snapshot(null)).isInstanceOf(DriverException.class);
    }

    @Test
    void lvmsCharacterSetIsAccepted() {
        assertThatCode(() -> LvmNames.requireValidLvName("x+y.z_w-1")).doesNotThrowAnyException();
        assertThatCode(() -> LvmNames.requireValidLvName(".hidden")).doesNotThrowAnyException();
        assertThatCode(() -> LvmNames.requireValidLvName("lvol0")).doesNotThrowAnyException();
    }

    @Test
    void charactersOutsideLvmsSetAreRefused() {
        for (String bad : new String[] {"bad name!", "a b", "a/b", "ä", "a;rm -rf /", "$(id)", "a\nb"}) {
            assertThatThrownBy(() -> LvmNames.requireValidLvName(bad)).as(bad)
                    .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.cinderClass()).isEqualTo("InvalidInput"));
        }
    }

    @Test
    void aNameStartingWithAHyphenIsRefusedSoItCannotBecomeAnOption() {
        assertThatThrownBy(() -> LvmNames.requireValidLvName("-f")).hasMessageContaining("'-'");
        assertThatThrownBy(() -> LvmNames.requireValidVgName("--config")).hasMessageContaining("'-'");
    }

    @Test
    void dotAndDotDotAndEmptyAreRefused() {
        assertThatThrownBy(() -> LvmNames.requireValidLvName(".")).isInstanceOf(DriverException.class);
        assertThatThrownBy(() -> LvmNames.requireValidLvName("..")).isInstanceOf(DriverException.class);
        assertThatThrownBy(() -> LvmNames.requireValidLvName("")).isInstanceOf(DriverException.class);
        assertThatThrownBy(() -> LvmNames.requireValidVgName(null)).isInstanceOf(DriverException.class);
    }

    @Test
    void lvmsReservedPrefixesAndHiddenVolumeSuffixesAreRefused() {
        for (String bad : new String[] {"snapshotx", "pvmove0", "a_tmeta", "a_tdata", "x_pmspare_y", "a_mimage", "a_rmeta", "a_corig", "a_vorigin"}) {
            assertThatThrownBy(() -> LvmNames.requireValidLvName(bad)).as(bad).hasMessageContaining("reserved");
        }
    }

    @Test
    void namesLongerThan127CharactersAreRefused() {
        assertThatCode(() -> LvmNames.requireValidVgName("v".repeat(127))).doesNotThrowAnyException();
        assertThatThrownBy(() -> LvmNames.requireValidVgName("v".repeat(128))).hasMessageContaining("127");
    }

    @Test
    void vgSlashLvLongerThan125CharactersIsRefused() {
        assertThatCode(() -> LvmNames.requireValidFullName("nvg", "b".repeat(121))).doesNotThrowAnyException();
        assertThatThrownBy(() -> LvmNames.requireValidFullName("nvg", "b".repeat(122))).hasMessageContaining("125");
    }
}
