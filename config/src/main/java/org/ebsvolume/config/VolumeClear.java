package org.ebsvolume.config;

/**
 * {@code volume_clear}: what happens to a deleted thick volume's blocks before its extents go
 * back to the VG (a thin LV's blocks read back as zeros anyway). Cinder's default is
 * {@link #ZERO}.
 */
public enum VolumeClear implements ConfigChoice {

    /** Nothing: the next volume on those extents can read the old data. */
    NONE("none"),
    /** Zeros written over the first {@code volume_clear_size} MiB, or all of it when that is 0. */
    ZERO("zero");

    private final String configName;

    VolumeClear(String configName) {
        this.configName = configName;
    }

    @Override
    public String configName() {
        return configName;
    }

    /** The cinder.conf spelling, which is also what {@code $volume_clear} substitutes. */
    @Override
    public String toString() {
        return configName;
    }
}
