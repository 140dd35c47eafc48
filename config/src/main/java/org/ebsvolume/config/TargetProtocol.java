package org.ebsvolume.config;

/**
 * {@code target_protocol}: the transport the target helper exports volumes over. Cinder's
 * default is {@link #ISCSI}. Cinder spells the NVMe ones with '_', unlike its other choices.
 */
public enum TargetProtocol implements ConfigChoice {

    ISCSI("iscsi"),
    /** iSCSI over RDMA. */
    ISER("iser"),
    NVMET_RDMA("nvmet_rdma"),
    NVMET_TCP("nvmet_tcp");

    private final String configName;

    TargetProtocol(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    /** NVMe over fabrics rather than SCSI: only the NVMe helpers speak it. */
    public boolean nvme() {
        return this == NVMET_RDMA || this == NVMET_TCP;
    }

    /** The cinder.conf spelling, which is also what {@code $target_protocol} substitutes. */
    @Override
    public String toString() {
        return configName;
    }
}
