package org.ebsvolume.drivers.drbd;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DrbdWordTest {

    @Test
    void everyConstantReadsBackFromItsOwnWord() {
        for (DrbdConnectionState s : DrbdConnectionState.values()) {
            assertThat(DrbdConnectionState.fromDrbd(s.drbdName())).isEqualTo(s);
        }
        for (DrbdRole s : DrbdRole.values()) {
            assertThat(DrbdRole.fromDrbd(s.drbdName())).isEqualTo(s);
        }
        for (DrbdDiskState s : DrbdDiskState.values()) {
            assertThat(DrbdDiskState.fromDrbd(s.drbdName())).isEqualTo(s);
        }
        for (DrbdReplicationState s : DrbdReplicationState.values()) {
            assertThat(DrbdReplicationState.fromDrbd(s.drbdName())).isEqualTo(s);
        }
    }

    @Test
    void anUnknownWordIsUnrecognized() {
        assertThat(DrbdConnectionState.fromDrbd("Frobnicating")).isEqualTo(DrbdConnectionState.UNRECOGNIZED);
        assertThat(DrbdRole.fromDrbd(null)).isEqualTo(DrbdRole.UNRECOGNIZED);
        assertThat(DrbdDiskState.fromDrbd("")).isEqualTo(DrbdDiskState.UNRECOGNIZED);
        assertThat(DrbdReplicationState.fromDrbd("Established ")).isEqualTo(DrbdReplicationState.UNRECOGNIZED);
    }

    @Test
    void wordsAreCaseSensitiveAsDrbdPrintsThem() {
        assertThat(DrbdDiskState.fromDrbd("uptodate")).isEqualTo(DrbdDiskState.UNRECOGNIZED);
        assertThat(DrbdDiskState.fromDrbd("UpToDate")).isEqualTo(DrbdDiskState.UP_TO_DATE);
    }

    @Test
    void anEventKindIsFoundByItsWordOrNotAtAll() {
        assertThat(DrbdEvent.Kind.fromWord("change")).contains(DrbdEvent.Kind.CHANGE);
        assertThat(DrbdEvent.Kind.fromWord("Change")).isEmpty();
    }
}
