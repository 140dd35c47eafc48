package org.ebsvolume.drivers.drbd;

/**
 * A value refused before it could reach a DRBD resource file or a drbdadm argument list: a name
 * DRBD or lvm would not accept, or one that could break the file's syntax (quotes, braces,
 * semicolons, newlines). Unchecked because records validate in their constructors.
 */
public final class InvalidDrbdConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidDrbdConfigException(String message) {
        super(message);
    }
}
