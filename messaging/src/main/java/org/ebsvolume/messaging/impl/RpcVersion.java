package org.ebsvolume.messaging.impl;

/**
 * oslo's {@code _utils.version_is_compatible}: same major, requested minor not above the
 * implemented one, and a third component compared only when the minors are equal.
 */
public final class RpcVersion {

    private RpcVersion() {
    }

    /**
     * @param implemented the version an endpoint implements (null means "anything")
     * @param requested   the version a message asks for
     * @throws IllegalArgumentException when {@code requested} is not a dotted number
     */
    public static boolean isCompatible(String implemented, String requested) {
        if (implemented == null) {
            return true;
        }
        if (requested == null) {
            return false;
        }
        int[] want = parse(requested);
        int[] have = parse(implemented);
        if (want[0] != have[0]) {
            return false;
        }
        if (want[1] > have[1]) {
            return false;
        }
        return !(want[1] == have[1] && want[2] > have[2]);
    }

    private static int[] parse(String version) {
        String[] parts = version.split("\\.", -1);
        if (parts.length < 2) {
            throw new IllegalArgumentException("version '" + version + "' is not of the form X.Y[.Z]");
        }
        try {
            return new int[] {
                Integer.parseInt(parts[0].trim()),
                Integer.parseInt(parts[1].trim()),
                parts.length > 2 ? Integer.parseInt(parts[2].trim()) : 0,
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("version '" + version + "' is not of the form X.Y[.Z]", e);
        }
    }
}
