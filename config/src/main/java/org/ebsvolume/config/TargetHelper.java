package org.ebsvolume.config;

/**
 * {@code target_helper}: the tool that exports volumes. Cinder's default is {@link #TGTADM}.
 * ebs-volume drives LIO for {@link #LIOADM} and tgt for every other helper; all of Zed's names
 * are accepted so that an existing cinder.conf loads.
 */
public enum TargetHelper implements ConfigChoice {

    TGTADM("tgtadm"),
    LIOADM("lioadm"),
    SCSTADMIN("scstadmin"),
    ISCSICTL("iscsictl"),
    IETADM("ietadm"),
    NVMET("nvmet"),
    SPDK_NVMEOF("spdk-nvmeof"),
    /** Cinder's test helper, which exports nothing and so goes with any protocol. */
    FAKE("fake");

    private final String configName;

    TargetHelper(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    /**
     * Whether this helper exports over that protocol: the NVMe helpers only over NVMe, the
     * others only over iSCSI or iSER, the fake one over anything.
     */
    public boolean speaks(TargetProtocol protocol) {
        return this == FAKE || (this == NVMET || this == SPDK_NVMEOF) == protocol.nvme();
    }

    /** The cinder.conf spelling, which is also what {@code $target_helper} substitutes. */
    @Override
    public String toString() {
        return configName;
    }
}
