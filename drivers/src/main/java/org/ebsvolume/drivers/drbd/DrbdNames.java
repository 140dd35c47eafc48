package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.lvm.LvmNames;

import java.util.regex.Pattern;

/**
 * The checks every value passes before it is written into a resource file or a drbdadm argument
 * list. The file is parsed by drbdadm and its handler lines are run by {@code /bin/sh -c}, so the
 * character sets are narrow on purpose: nothing here can carry a quote, a brace, a semicolon, a
 * space, a newline or a leading {@code -} (an option).
 */
public final class DrbdNames {

    /**
     * A resource is named like its logical volume ({@code volume-<uuid>}), so the lvm rules apply
     * ({@link LvmNames#requireValidLvName}); DRBD itself keeps resource names in a 128-byte field
     * with the terminating NUL (8.4 and 9 netlink {@code resource_name}), hence 127 characters.
     */
    private static final int MAX_RESOURCE_NAME = 127;
    /** RFC 1123 labels; Linux keeps {@code uname -n} in 64 bytes (__NEW_UTS_LEN). */
    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final int MAX_HOSTNAME = 64;
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern BACKING_DISK = Pattern.compile("/dev/([^/]+)/([^/]+)");
    /** An absolute path of plain characters: drbdadm hands handler strings to {@code /bin/sh -c}. */
    private static final Pattern HANDLER_PATH = Pattern.compile("(/[A-Za-z0-9._+-]+)+");

    /** The highest minor DRBD accepts (8.4 and 9: MINORMASK, 2^20 - 1). */
    public static final int MAX_MINOR = (1 << 20) - 1;

    private DrbdNames() {
    }

    public static String requireResourceName(String name) {
        if (name == null || name.isEmpty()) {
            throw new InvalidDrbdConfigException("DRBD resource name is empty");
        }
        if (name.length() > MAX_RESOURCE_NAME) {
            throw new InvalidDrbdConfigException("DRBD resource name '" + printable(name) + "' is longer than " + MAX_RESOURCE_NAME + " characters");
        }
        try {
            LvmNames.requireValidLvName(name);
        } catch (DriverException e) {
            throw new InvalidDrbdConfigException("DRBD resource name '" + printable(name) + "' is not a valid logical volume name: " + e.getMessage());
        }
        return name;
    }

    public static String requireHostname(String hostname) {
        if (hostname == null || hostname.length() > MAX_HOSTNAME || !HOSTNAME.matcher(hostname).matches()) {
            throw new InvalidDrbdConfigException("host name '" + printable(hostname)
                    + "' is not what uname -n prints (letters, digits, '-', dot-separated labels, at most " + MAX_HOSTNAME + " characters)");
        }
        return hostname;
    }

    public static String requireIpv4(String address) {
        if (address == null || !IPV4.matcher(address).matches()) {
            throw new InvalidDrbdConfigException("'" + printable(address) + "' is not a dotted IPv4 address");
        }
        return address;
    }

    /** {@code /dev/<vg>/<lv>}, both parts valid lvm names. */
    public static String requireBackingDisk(String path) {
        var m = path == null ? null : BACKING_DISK.matcher(path);
        if (m == null || !m.matches()) {
            throw new InvalidDrbdConfigException("backing disk '" + printable(path) + "' is not /dev/<volume group>/<logical volume>");
        }
        try {
            LvmNames.requireValidVgName(m.group(1));
            LvmNames.requireValidLvName(m.group(2));
        } catch (DriverException e) {
            throw new InvalidDrbdConfigException("backing disk '" + printable(path) + "': " + e.getMessage());
        }
        return path;
    }

    public static String requireHandlerPath(String path) {
        if (path == null || !HANDLER_PATH.matcher(path).matches() || path.contains("/../") || path.endsWith("/..")) {
            throw new InvalidDrbdConfigException("handler command '" + printable(path)
                    + "' is not an absolute path of the characters a-z A-Z 0-9 . _ + - /");
        }
        return path;
    }

    public static int requireMinor(int minor) {
        if (minor < 0 || minor > MAX_MINOR) {
            throw new InvalidDrbdConfigException("DRBD minor " + minor + " is outside 0.." + MAX_MINOR);
        }
        return minor;
    }

    public static int requirePort(int port) {
        if (port < 1 || port > 65535) {
            throw new InvalidDrbdConfigException("TCP port " + port + " is outside 1..65535");
        }
        return port;
    }

    /** The value as it may appear in a message: control characters shown as escapes, never raw. */
    static String printable(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(200).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }
}
