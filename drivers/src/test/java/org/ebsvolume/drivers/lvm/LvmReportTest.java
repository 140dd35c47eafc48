package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.lvm.LogicalVolume.Kind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The JSON shapes lvm2 2.03.16 prints for {@code lvs/vgs --reportformat json --units b --nosuffix}
 * (fixtures written for this project in those shapes: two-space indent, every value a string).
 */
class LvmReportTest {

    private static final String THIN_POOL = "cinder-volumes-pool";
    private static final String THICK = "volume-1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
    private static final String THICK_ORIGIN = "volume-0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d";
    private static final String THICK_SNAPSHOT = "_snapshot-7d0c4a52-93be-4c1e-8f0e-1b2a3c4d5e6f";
    private static final String THIN = "volume-f1e2d3c4-b5a6-4978-8695-a4b3c2d1e0f9";
    private static final String THIN_SNAPSHOT = "_snapshot-c3d4e5f6-a7b8-4c9d-8e0f-112233445566";
    private static final String THIN_CLONE = "volume-9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";

    @Test
    void readsEveryLvOfAVgWithThinPoolThinVolumesAndSnapshots() throws Exception {
        List<LogicalVolume> lvs = LvmReport.logicalVolumes(fixture("lvs-thin-pool-thin-volumes-snapshots.json"));
        assertThat(lvs).extracting(LogicalVolume::name)
                .containsExactly(THICK_SNAPSHOT, THIN_SNAPSHOT, THIN_POOL, THICK_ORIGIN, THICK, THIN_CLONE, THIN);
        assertThat(lvs).allSatisfy(lv -> assertThat(lv.vg()).isEqualTo("cinder-volumes"));
    }

    @Test
    void sizesAreExactBytesFromStrings() throws Exception {
        Map<String, LogicalVolume> lvs = byName(fixture("lvs-thin-pool-thin-volumes-snapshots.json"));
        assertThat(lvs.get(THICK).sizeBytes()).isEqualTo(10L << 30);
        assertThat(lvs.get(THIN_POOL).sizeBytes()).isEqualTo(20_367_540_224L);
    }

    @Test
    void anEmptyStringMeansNone() throws Exception {
        LogicalVolume thick = byName(fixture("lvs-thin-pool-thin-volumes-snapshots.json")).get(THICK);
        assertThat(thick.origin()).isEmpty();
        assertThat(thick.poolLv()).isEmpty();
        assertThat(thick.dataPercent()).isEmpty();
    }

    @Test
    void thinVolumesKnowTheirPoolAndHowFullTheyAre() throws Exception {
        Map<String, LogicalVolume> lvs = byName(fixture("lvs-thin-pool-thin-volumes-snapshots.json"));
        assertThat(lvs.get(THIN).poolLv()).isEqualTo(THIN_POOL);
        assertThat(lvs.get(THIN).dataPercent()).isEqualTo(OptionalDouble.of(12.5));
        assertThat(lvs.get(THIN_POOL).dataPercent()).isEqualTo(OptionalDouble.of(5.06));
    }

    @Test
    void theKindOfEveryLvComesFromItsAttrAndOrigin() throws Exception {
        Map<String, LogicalVolume> lvs = byName(fixture("lvs-thin-pool-thin-volumes-snapshots.json"));
        assertThat(lvs.get(THICK).kind()).isEqualTo(Kind.THICK);
        assertThat(lvs.get(THICK_ORIGIN).kind()).isEqualTo(Kind.THICK);
        assertThat(lvs.get(THICK_SNAPSHOT).kind()).isEqualTo(Kind.THICK_SNAPSHOT);
        assertThat(lvs.get(THIN_POOL).kind()).isEqualTo(Kind.THIN_POOL);
        assertThat(lvs.get(THIN).kind()).isEqualTo(Kind.THIN);
        assertThat(lvs.get(THIN_SNAPSHOT).kind()).isEqualTo(Kind.THIN_SNAPSHOT);
        assertThat(lvs.get(THIN_CLONE).kind()).isEqualTo(Kind.THIN_SNAPSHOT);
    }

    @Test
    void onlyAThickOriginCountsAsHavingSnapshots() throws Exception {
        Map<String, LogicalVolume> lvs = byName(fixture("lvs-thin-pool-thin-volumes-snapshots.json"));
        assertThat(lvs.get(THICK_ORIGIN).hasSnapshots()).isTrue();
        // A thin origin stays "V": its snapshots are independent LVs and do not block extend or remove.
        assertThat(lvs.get(THIN).hasSnapshots()).isFalse();
        assertThat(lvs.get(THICK).hasSnapshots()).isFalse();
    }

    @Test
    void activeOpenAndSkipActivationFlagsAreReadFromTheirPositions() throws Exception {
        Map<String, LogicalVolume> lvs = byName(fixture("lvs-thin-pool-thin-volumes-snapshots.json"));
        assertThat(lvs.get(THICK).isActive()).isTrue();
        assertThat(lvs.get(THICK).isOpen()).isFalse();
        assertThat(lvs.get(THIN).isOpen()).isTrue();
        assertThat(lvs.get(THIN_SNAPSHOT).isActive()).isFalse();
        assertThat(lvs.get(THIN_SNAPSHOT).skipsActivation()).isTrue();
    }

    @Test
    void anUnknownActivationStateWithActivationDisabledIsNotActive() throws Exception {
        // With global {activation=0} lvm prints X where it cannot know the kernel state.
        LogicalVolume lv = LvmReport.logicalVolumes(lvsRow("\"lv_name\":\"volume-x\", \"lv_attr\":\"-wi-XX----\"")).get(0);
        assertThat(lv.isActive()).isFalse();
        assertThat(lv.isOpen()).isFalse();
        assertThat(lv.kind()).isEqualTo(Kind.THICK);
    }

    @Test
    void readsAVolumeGroup() throws Exception {
        assertThat(LvmReport.volumeGroups(fixture("vgs-one-group.json")))
                .containsExactly(new VolumeGroup("cinder-volumes", 21_470_642_176L, 1_077_936_128L, 5, 2, 4L << 20));
    }

    @Test
    void theDocumentLvmPrintsForAMissingVgOrLvIsAnEmptyList() throws Exception {
        assertThat(LvmReport.logicalVolumes(fixture("lvs-missing.json"))).isEmpty();
    }

    @Test
    void emptyOutputIsAnEmptyList() throws Exception {
        assertThat(LvmReport.logicalVolumes("")).isEmpty();
        assertThat(LvmReport.volumeGroups("\n")).isEmpty();
    }

    @Test
    void rowsOfEveryReportElementAreRead() throws Exception {
        String twoElements = """
                  {
                      "report": [
                          {
                              "lv": [
                                  {"vg_name":"a", "lv_name":"one", "lv_size":"4194304", "lv_attr":"-wi-a-----", "origin":"", "pool_lv":"", "data_percent":""}
                              ]
                          },
                          {
                              "lv": [
                                  {"vg_name":"b", "lv_name":"two", "lv_size":"8388608", "lv_attr":"-wi-a-----", "origin":"", "pool_lv":"", "data_percent":""}
                              ]
                          }
                      ]
                  }
                """;
        assertThat(LvmReport.logicalVolumes(twoElements)).extracting(LogicalVolume::name).containsExactly("one", "two");
    }

    @Test
    void otherSectionsOfAFullReportAreIgnored() throws Exception {
        String withPvsAndVgs = """
                  {
                      "report": [
                          {
                              "vg": [
                                  {"vg_name":"a", "vg_size":"4290772992", "vg_free":"4081057792", "lv_count":"1", "pv_count":"1", "vg_extent_size":"4194304"}
                              ]
                              ,
                              "pv": [
                                  {"pv_name":"/dev/loop0", "vg_name":"a"}
                              ]
                              ,
                              "lv": [
                                  {"vg_name":"a", "lv_name":"one", "lv_size":"209715200", "lv_attr":"-wi-XX----", "origin":"", "pool_lv":"", "data_percent":""}
                              ]
                          }
                      ]
                  }
                """;
        assertThat(LvmReport.logicalVolumes(withPvsAndVgs)).extracting(LogicalVolume::name).containsExactly("one");
        assertThat(LvmReport.volumeGroups(withPvsAndVgs)).extracting(VolumeGroup::name).containsExactly("a");
    }

    @Test
    void bracketsOfHiddenLvsAreDropped() throws Exception {
        LogicalVolume tdata = LvmReport.logicalVolumes(lvsRow("\"lv_name\":\"[cinder-volumes-pool_tdata]\", \"lv_attr\":\"Twi-ao----\"")).get(0);
        assertThat(tdata.name()).isEqualTo("cinder-volumes-pool_tdata");
        assertThat(tdata.kind()).isEqualTo(Kind.OTHER);
    }

    @Test
    void numbersPrintedAsJsonNumbersAreAcceptedToo() throws Exception {
        String numeric = """
                {"report":[{"lv":[{"vg_name":"a", "lv_name":"one", "lv_size":4194304, "lv_attr":"Vwi-a-tz--", "origin":"", "pool_lv":"p", "data_percent":1.5}]}]}
                """;
        LogicalVolume lv = LvmReport.logicalVolumes(numeric).get(0);
        assertThat(lv.sizeBytes()).isEqualTo(4_194_304L);
        assertThat(lv.dataPercent()).isEqualTo(OptionalDouble.of(1.5));
    }

    @Test
    void textBeforeTheDocumentIsSkipped() throws Exception {
        String withMessage = "  Some message lvm printed to stdout.\n" + fixture("vgs-one-group.json");
        assertThat(LvmReport.volumeGroups(withMessage)).hasSize(1);
    }

    @Test
    void aSizeWithAUnitIsRefusedNotGuessed() {
        // What lvs prints without --units b --nosuffix.
        String human = """
                  {
                      "report": [
                          {
                              "lv": [
                                  {"lv_name":"vol1", "vg_name":"ebsvg", "lv_attr":"-wi-XX----", "lv_size":"200.00m", "pool_lv":"", "origin":"", "data_percent":""}
                              ]
                          }
                      ]
                  }
                """;
        assertThatThrownBy(() -> LvmReport.logicalVolumes(human))
                .isInstanceOf(LvmReport.UnreadableReportException.class)
                .hasMessageContaining("lv_size").hasMessageContaining("200.00m");
    }

    @Test
    void aRowWithoutAnAttrIsRefused() {
        assertThatThrownBy(() -> LvmReport.logicalVolumes("{\"report\":[{\"lv\":[{\"vg_name\":\"a\", \"lv_name\":\"x\", \"lv_size\":\"1\"}]}]}"))
                .isInstanceOf(LvmReport.UnreadableReportException.class).hasMessageContaining("lv_attr");
    }

    @Test
    void somethingThatIsNotAnLvmReportIsRefused() {
        assertThatThrownBy(() -> LvmReport.logicalVolumes("  LV   VG    Attr       LSize\n  vol1 ebsvg -wi-XX---- 200.00m\n"))
                .isInstanceOf(LvmReport.UnreadableReportException.class).hasMessageContaining("no JSON");
        assertThatThrownBy(() -> LvmReport.logicalVolumes("{\"lv\":[]}"))
                .isInstanceOf(LvmReport.UnreadableReportException.class).hasMessageContaining("\"report\"");
        assertThatThrownBy(() -> LvmReport.logicalVolumes("{\"report\":[{\"lv\":[{\"vg_name\":"))
                .isInstanceOf(LvmReport.UnreadableReportException.class).hasMessageContaining("not valid JSON");
    }

    private static String lvsRow(String nameAndAttr) {
        return "{\"report\":[{\"lv\":[{\"vg_name\":\"ebsvg\", " + nameAndAttr
                + ", \"lv_size\":\"104857600\", \"origin\":\"\", \"pool_lv\":\"\", \"data_percent\":\"\"}]}]}";
    }

    private static Map<String, LogicalVolume> byName(String json) throws LvmReport.UnreadableReportException {
        return LvmReport.logicalVolumes(json).stream().collect(Collectors.toMap(LogicalVolume::name, Function.identity()));
    }

    static String fixture(String name) throws IOException {
        try (InputStream in = LvmReportTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("test fixture " + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
