package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Cinder's LV names, and the rules every name must pass before it goes near an lvm command.
 *
 * <p>The rules are lvm2's own, checked against lvm2 2.03.16 (Debian 12): characters
 * {@code [a-zA-Z0-9+_.-]}, not starting with {@code -} (lvm would read an option), not {@code .}
 * or {@code ..}, at most 127 characters, LV names not starting with {@code snapshot} or
 * {@code pvmove} and not containing the suffixes lvm uses for its hidden sub-LVs. lvm also
 * refuses {@code vg/lv} longer than 125 characters ("Internal error: LV name … is not supported").
 * Checking here means a bad name is refused with a clear message before anything runs, and a
 * name can never smuggle an option into an argument list.
 */
public final class LvmNames {

    private static final Pattern CHARSET = Pattern.compile("[a-zA-Z0-9+_.-]+");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_NAME = 127;
    private static final int MAX_FULL_NAME = 125;
    private static final List<String> RESERVED_PREFIXES = List.of("snapshot", "pvmove");
    private static final List<String> RESERVED_PARTS = List.of("_cdata", "_cmeta", "_corig", "_cpool", "_cvol", "_imeta",
            "_iorig", "_mimage", "_mlog", "_pmspare", "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin", "_wcorig");

    private LvmNames() {
    }

    /** {@code volume-<id>}: Cinder's {@code volume_name_template}; pass the volume's {@code _name_id or id}. */
    public static String volume(String volumeId) throws DriverException {
        return "volume-" + requireUuid(volumeId, "volume id");
    }

    /**
     * {@code _snapshot-<id>}: Cinder names the snapshot {@code snapshot-<id>}, and because lvm
     * reserves names starting with "snapshot" its LVM driver prefixes an underscore.
     */
    public static String snapshot(String snapshotId) throws DriverException {
        return "_snapshot-" + requireUuid(snapshotId, "snapshot id");
    }

    /** {@code clone-snap-<new volume id>}: the temporary snapshot of a thick clone (not escaped: it does not start with "snapshot"). */
    public static String cloneSnapshot(String newVolumeId) throws DriverException {
        return "clone-snap-" + requireUuid(newVolumeId, "volume id");
    }

    /** {@code <vg>-pool}: the thin pool Cinder creates and uses in a VG. */
    public static String thinPool(String vgName) throws DriverException {
        requireValidVgName(vgName);
        return vgName + "-pool";
    }

    public static void requireValidVgName(String name) throws DriverException {
        requireLvmName(name, "volume group");
    }

    public static void requireValidLvName(String name) throws DriverException {
        requireLvmName(name, "logical volume");
        for (String prefix : RESERVED_PREFIXES) {
            if (name.startsWith(prefix)) {
                throw invalid("logical volume", name, "names starting \"" + prefix + "\" are reserved by lvm");
            }
        }
        for (String part : RESERVED_PARTS) {
            if (name.contains(part)) {
                throw invalid("logical volume", name, "names containing \"" + part + "\" are reserved by lvm for its hidden volumes");
            }
        }
    }

    /** Both names valid, and {@code vg/lv} short enough for lvm. */
    static void requireValidFullName(String vg, String lv) throws DriverException {
        requireValidVgName(vg);
        requireValidLvName(lv);
        if (vg.length() + 1 + lv.length() > MAX_FULL_NAME) {
            throw invalid("logical volume", vg + "/" + lv, "lvm refuses \"vg/lv\" longer than " + MAX_FULL_NAME + " characters");
        }
    }

    private static void requireLvmName(String name, String what) throws DriverException {
        if (name == null || name.isEmpty()) {
            throw invalid(what, String.valueOf(name), "the name is empty");
        }
        if (name.length() > MAX_NAME) {
            throw invalid(what, name, "longer than " + MAX_NAME + " characters");
        }
        if (!CHARSET.matcher(name).matches()) {
            throw invalid(what, name, "only the characters a-z A-Z 0-9 + _ . - are allowed");
        }
        if (name.startsWith("-")) {
            throw invalid(what, name, "a name must not start with '-'");
        }
        if (name.equals(".") || name.equals("..")) {
            throw invalid(what, name, "'.' and '..' are not names");
        }
    }

    private static String requireUuid(String id, String what) throws DriverException {
        if (id == null || !UUID.matcher(id).matches()) {
            throw new DriverException(CinderError.INVALID_INPUT, "Invalid input received: " + what + " '" + id + "' is not a UUID");
        }
        return id;
    }

    private static DriverException invalid(String what, String name, String why) {
        return new DriverException(CinderError.INVALID_INPUT, "Invalid input received: invalid " + what + " name '" + name + "': " + why);
    }
}
