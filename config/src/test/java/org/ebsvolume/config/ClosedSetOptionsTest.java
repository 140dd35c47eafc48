package org.ebsvolume.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The options whose values are a closed set become enums: each value is read under Cinder's own
 * spelling and nothing else, a wrong one is refused with every accepted spelling, and the enum
 * still stands for the spelling wherever the value is shown or substituted.
 */
class ClosedSetOptionsTest {

    @TempDir
    Path tmp;

    static Stream<ConfigChoice> everyChoice() {
        return Stream.of(LvmType.values(), VolumeClear.values(), TargetHelper.values(), TargetProtocol.values(),
                ReplicationMode.values()).flatMap(Arrays::stream);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object parse(ConfigChoice choice, String text) throws BadValueException {
        return OsloTypes.choices((Class) ((Enum<?>) choice).getDeclaringClass()).parse(text);
    }

    @ParameterizedTest
    @MethodSource("everyChoice")
    void eachValueIsReadUnderItsCinderSpelling(ConfigChoice choice) throws Exception {
        assertThat(parse(choice, choice.configName())).isSameAs(choice);
    }

    @ParameterizedTest
    @MethodSource("everyChoice")
    void eachValueShowsAsItsCinderSpelling(ConfigChoice choice) {
        assertThat(choice).hasToString(choice.configName());
    }

    @Test
    void aValueInAnotherCaseIsRefusedAsOsloRefusesIt() {
        assertThatThrownBy(() -> OsloTypes.choices(LvmType.class).parse("Thin"))
                .isInstanceOf(BadValueException.class)
                .hasMessage("expected one of default, thin, auto");
    }

    @Test
    void theEnumConstantsNameIsNotASpelling() {
        assertThatThrownBy(() -> OsloTypes.choices(ReplicationMode.class).parse("FULL_SYNC"))
                .isInstanceOf(BadValueException.class)
                .hasMessage("expected one of async, semi-sync, full-sync");
    }

    @Test
    void eachClosedSetOptionDefaultsAsInCinder() throws Exception {
        BackendConfig ebs = new ConfigFiles(tmp).loadText(ConfigFiles.BASE + "[EBS]\n").backends().get(0);

        assertThat(ebs.lvm().type()).isEqualTo(LvmType.AUTO);
        assertThat(ebs.lvm().volumeClear()).isEqualTo(VolumeClear.ZERO);
        assertThat(ebs.target().helper()).isEqualTo(TargetHelper.TGTADM);
        assertThat(ebs.target().protocol()).isEqualTo(TargetProtocol.ISCSI);
        assertThat(ebs.replication().mode()).isEqualTo(ReplicationMode.FULL_SYNC);
    }

    @Test
    void aReferenceToAClosedSetOptionSubstitutesItsSpelling() throws Exception {
        BackendConfig ebs = new ConfigFiles(tmp).loadText(ConfigFiles.BASE + """
                [EBS]
                lvm_type = thin
                target_helper = lioadm
                target_prefix = iqn.2010-10.org.openstack:${lvm_type}-${target_helper}:
                """).backends().get(0);

        assertThat(ebs.target().prefix()).isEqualTo("iqn.2010-10.org.openstack:thin-lioadm:");
    }

    @ParameterizedTest
    @EnumSource(value = TargetHelper.class, names = {"NVMET", "SPDK_NVMEOF", "FAKE"}, mode = EnumSource.Mode.EXCLUDE)
    void theIscsiHelpersSpeakOnlyIscsiAndIser(TargetHelper helper) {
        assertThat(Arrays.stream(TargetProtocol.values()).filter(helper::speaks))
                .containsExactly(TargetProtocol.ISCSI, TargetProtocol.ISER);
    }

    @ParameterizedTest
    @EnumSource(value = TargetHelper.class, names = {"NVMET", "SPDK_NVMEOF"})
    void theNvmeHelpersSpeakOnlyNvme(TargetHelper helper) {
        assertThat(Arrays.stream(TargetProtocol.values()).filter(helper::speaks))
                .containsExactly(TargetProtocol.NVMET_RDMA, TargetProtocol.NVMET_TCP);
    }

    @Test
    void theFakeHelperSpeaksEveryProtocol() {
        assertThat(Arrays.stream(TargetProtocol.values()).filter(TargetHelper.FAKE::speaks))
                .containsExactly(TargetProtocol.values());
    }
}
