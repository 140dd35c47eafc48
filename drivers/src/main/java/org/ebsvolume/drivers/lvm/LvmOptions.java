package org.ebsvolume.drivers.lvm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How this node runs lvm.
 *
 * @param configOverride lvm configuration snippets such as {@code global {activation=0}}, given to
 *                       every lvm command as one {@code --config} argument (lvm refuses a second
 *                       {@code --config}: "Option --config may not be repeated", so they are joined,
 *                       together with any snippet the operation itself needs). Production: none.
 *                       Tests on a host without device-mapper pass {@code global {activation=0}}
 *                       plus a device filter for their loop device.
 * @param commandTimeout how long one lvm command may run before it is killed. Cinder has no limit;
 *                       a limit turns a hung lvm (suspended devices) into an error instead of a
 *                       stuck worker. lvm's metadata commits are atomic, so a killed command
 *                       leaves the VG either before or after the change.
 * @param mergeTimeout   the limit for {@code lvconvert --merge}, which waits until a thick
 *                       snapshot's data has been copied back into its origin (minutes to hours).
 * @param retryUnit      the unit of Cinder's retry waits (Cinder waits 1 s, 2 s, 4 s … between
 *                       attempts; those numbers are multiplied by this). Production: 1 s; tests
 *                       use zero.
 */
public record LvmOptions(List<String> configOverride, Duration commandTimeout, Duration mergeTimeout,
                         Duration retryUnit) {

    public LvmOptions {
        configOverride = List.copyOf(configOverride);
        for (String snippet : configOverride) {
            if (snippet.isBlank() || snippet.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("lvm config snippet must be non-blank text, got '" + snippet + "'");
            }
        }
        Objects.requireNonNull(commandTimeout, "commandTimeout");
        Objects.requireNonNull(mergeTimeout, "mergeTimeout");
        Objects.requireNonNull(retryUnit, "retryUnit");
        if (commandTimeout.isNegative() || commandTimeout.isZero() || mergeTimeout.isNegative() || mergeTimeout.isZero()) {
            throw new IllegalArgumentException("lvm timeouts must be positive");
        }
        if (retryUnit.isNegative()) {
            throw new IllegalArgumentException("retryUnit must not be negative");
        }
    }

    /** A storage node: the system's lvm.conf as is, 10 minutes per command, 12 hours per merge, Cinder's retry waits. */
    public static LvmOptions production() {
        return new LvmOptions(List.of(), Duration.ofMinutes(10), Duration.ofHours(12), Duration.ofSeconds(1));
    }
}
