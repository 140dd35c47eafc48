package org.ebsvolume.drivers.drbd;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the loaded DRBD kernel module, which decides the config dialect and the
 * drbdadm personality ({@link DrbdDialect}).
 */
public record DrbdKernelVersion(int major, int minor, int patch) {

    public DrbdKernelVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative version part");
        }
    }

    /** {@code version: 8.4.11 (api:1/proto:86-101)}: the first line of {@code /proc/drbd}. */
    private static final Pattern PROC_DRBD = Pattern.compile("(?m)^version: (\\d+)\\.(\\d+)\\.(\\d+)");
    /**
     * {@code DRBD_KERNEL_VERSION_CODE=0x08040b} in {@code drbdadm --version}: one byte each for
     * major, minor and patch; {@code 0x000000} when no module is loaded. drbd-utils 9.22 prints
     * this line with both modules, but {@code DRBD_KERNEL_VERSION=9.2.4} only with DRBD 9 (the
     * lab's 8.4.11 printed none), so the code is what is read.
     */
    private static final Pattern DRBDADM_VERSION_CODE = Pattern.compile("(?m)^DRBD_KERNEL_VERSION_CODE=0x([0-9a-fA-F]{1,6})\\s*$");

    /** The module version from {@code /proc/drbd}'s text; empty when there is no version line. */
    public static Optional<DrbdKernelVersion> fromProcDrbd(String procDrbd) {
        Matcher m = PROC_DRBD.matcher(procDrbd);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new DrbdKernelVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))));
    }

    /**
     * The module version from {@code drbdadm --version}; empty when drbdadm reports code 0 (no
     * drbd module loaded) or no code at all.
     */
    public static Optional<DrbdKernelVersion> fromDrbdadmVersion(String drbdadmVersion) {
        Matcher m = DRBDADM_VERSION_CODE.matcher(drbdadmVersion);
        if (!m.find()) {
            return Optional.empty();
        }
        int code = Integer.parseInt(m.group(1), 16);
        if (code == 0) {
            return Optional.empty();
        }
        return Optional.of(new DrbdKernelVersion(code >> 16, (code >> 8) & 0xff, code & 0xff));
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
