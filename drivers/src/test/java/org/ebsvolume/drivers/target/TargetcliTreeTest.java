package org.ebsvolume.drivers.target;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Reading {@code targetcli ls} back into paths, on recorded shapes. */
class TargetcliTreeTest {

    private static final String IQN = LioTargetTest.IQN;
    private static final String TPG = "/iscsi/" + IQN + "/tpg1";

    @Test
    void everyNodeGetsItsFullPathAndSummary() {
        TargetcliTree tree = TargetcliTree.parse(ReplayedCommands.fixture("ls-attached.txt"));

        assertThat(tree.summary("/")).isEqualTo("...");
        assertThat(tree.summary("/backstores/block")).isEqualTo("Storage Objects: 2");
        assertThat(tree.summary(TPG)).isEqualTo("no-gen-acls, auth per-acl");
        assertThat(tree.summary(TPG + "/acls/" + LioTargetTest.INITIATOR)).isEqualTo("1-way auth, Mapped LUNs: 1");
        assertThat(tree.has(TPG + "/acls/" + LioTargetTest.INITIATOR + "/mapped_lun0")).isTrue();
        assertThat(tree.has(TPG + "/portals/192.0.2.11:3260")).isTrue();
        assertThat(tree.has("/xen-pvscsi")).isTrue();
    }

    @Test
    void linesTooLongForDotsAreReadToo() {
        // "o- lun0  [block/iqn… (/dev/…) (default_tg_pt_gp)]": past 132 columns configshell drops the dots.
        TargetcliTree tree = TargetcliTree.parse(ReplayedCommands.fixture("ls-exported.txt"));

        assertThat(tree.summary(TPG + "/luns/lun0")).isEqualTo("block/" + IQN + " (" + LioTargetTest.DEV + ") (default_tg_pt_gp)");
        assertThat(tree.summary("/backstores/block/" + IQN)).isEqualTo(LioTargetTest.DEV + " (1.0GiB) write-thru activated");
    }

    @Test
    void childrenAreTheDirectOnesOnly() {
        TargetcliTree tree = TargetcliTree.parse(ReplayedCommands.fixture("ls-attached.txt"));

        assertThat(tree.children("/iscsi")).containsExactly(
                "iqn.2010-10.org.openstack:volume-0e9d2f6c-81b4-4f0a-a6c2-7d3e5b19c4f8", IQN);
        assertThat(tree.children(TPG)).containsExactly("acls", "luns", "portals");
        assertThat(tree.children(TPG + "/acls")).containsExactly(LioTargetTest.INITIATOR);
        assertThat(tree.children("/")).containsExactly("backstores", "iscsi", "loopback", "vhost", "xen-pvscsi");
    }

    @Test
    void thePrefsWarningOfAFreshHostIsSkipped() {
        TargetcliTree tree = TargetcliTree.parse(ReplayedCommands.fixture("ls-fresh-host.txt"));

        assertThat(tree.children("/iscsi")).isEmpty();
        assertThat(tree.summary("/iscsi")).isEqualTo("Targets: 0");
    }

    @Test
    void outputWithoutATreeIsRefused() {
        assertThatThrownBy(() -> TargetcliTree.parse("Warning: Could not load preferences file /root/.targetcli/prefs.bin.\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no targetcli tree");
        assertThatThrownBy(() -> TargetcliTree.parse("o- iscsi ....... [Targets: 0]\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not start at '/'");
    }
}
