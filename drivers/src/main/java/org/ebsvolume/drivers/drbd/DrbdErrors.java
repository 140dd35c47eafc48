package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

import java.util.regex.Pattern;

/**
 * Sorts a failed drbdadm/drbdsetup command by DRBD's words. The texts are those recorded with
 * drbd-utils 9.22 on a DRBD 8.4.11 module (the project's lab) and on DRBD 9.2.4 (shared lab
 * samples); the exit codes alone say little (drbdadm exits 1, 10, 11, 17 or 20 for unrelated
 * reasons, and passes on drbdsetup's code as {@code Command '…' terminated with exit code N}).
 */
final class DrbdErrors {

    /** {@code /etc/drbd.d/x.res:7: Parse error: …}: drbdadm names the file and line of a config error. */
    private static final Pattern CONFIG_FILE_LINE = Pattern.compile("(?m)^\\S+\\.(res|conf):\\d+: ");

    private DrbdErrors() {
    }

    static DrbdException classify(CommandFailedException failure) {
        if (failure.exitCode() < 0) {
            // The runner's own failure (timeout, not allowed, cannot start): no DRBD answer to read.
            return new DrbdCommandException(failure);
        }
        String err = failure.stderr();
        // Refusals first: they name the resource too, and the refusal is the useful part.
        if (err.contains("Multiple primaries not allowed by config")) {                  // (-1)
            return new DrbdPeerIsPrimaryException(failure);
        }
        if (err.contains("Need access to UpToDate data")) {                               // (-2)
            return new DrbdNoUpToDateDataException(failure);
        }
        if (err.contains("Refusing to be Primary while peer is not outdated")) {         // (-7)
            return new DrbdPeerNotOutdatedException(failure);
        }
        if (err.contains("Device is held open by someone")) {                            // (-12)
            return new DrbdDeviceHeldOpenException(failure);
        }
        if (err.contains("State change failed")) {
            return new DrbdStateChangeRefusedException(failure);
        }
        if (err.contains("not defined in your config")                                  // drbdadm: no file names it for this host
                || err.contains("No such resource")                                      // 8.4 status of a resource that is down
                || err.contains("Unknown resource")                                      // DRBD 9 (158)
                || err.contains("Device minor not allocated")) {                         // 8.4 (127): primary/secondary of a resource that is down
            return new DrbdResourceUnknownException(failure);
        }
        if (err.contains("is configured!")                                               // 8.4 drbdmeta: up twice, create-md/wipe-md while up
                || err.contains("Minor or volume exists already")                        // DRBD 9 (161)
                || err.contains("(already? still?) exists")) {
            return new DrbdAlreadyConfiguredException(failure);
        }
        if (err.contains("Local address(port) already in use")) {                       // 8.4 (102)
            return new DrbdAddressInUseException(failure);
        }
        if (CONFIG_FILE_LINE.matcher(err).find() || err.contains("not found on this host")) {
            return new DrbdConfigFileException(failure);
        }
        // Last: without a module every drbdadm prints modinfo's complaint, even for the errors above.
        if (err.contains("Failed to modprobe drbd")) {
            return new DrbdModuleUnavailableException(failure);
        }
        return new DrbdCommandException(failure);
    }
}
