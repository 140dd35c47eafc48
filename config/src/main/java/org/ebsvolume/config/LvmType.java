package org.ebsvolume.config;

/**
 * {@code lvm_type}: how the LVM driver provisions volumes. Cinder's default is {@link #AUTO}.
 * Whether a backend then makes thin volumes is decided by the driver, which can look at the
 * volume group (for {@code auto}).
 */
public enum LvmType implements ConfigChoice {

    /** Thick LVs: each volume's size is allocated in the VG when it is created. */
    DEFAULT("default"),
    /** Thin LVs in the VG's {@code <vg>-pool}, which the driver creates if it is missing. */
    THIN("thin"),
    /** Thin when the VG already has its pool, thick otherwise. */
    AUTO("auto");

    private final String configName;

    LvmType(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    /** The cinder.conf spelling, which is also what {@code $lvm_type} substitutes. */
    @Override
    public String toString() {
        return configName;
    }
}
