package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandFailure;

import java.util.Optional;

/**
 * An export, attach, detach or removal failed. The Cinder class and the first sentence of the
 * message are Cinder's ({@code ISCSITargetCreateFailed}: "Failed to create iscsi target for volume
 * X."); what follows says why, and when a command failed: which one (arguments masked), its exit
 * code and its stderr, with the volume's CHAP password scrubbed out of all of them.
 *
 * <p>The {@link CommandFailedException} is deliberately not kept as the cause: its message holds
 * the tool's raw stderr, which may repeat a secret.
 */
public final class IscsiTargetException extends DriverException {
    private static final long serialVersionUID = 1L;

    enum Kind {
        CREATE(CinderError.ISCSI_TARGET_CREATE_FAILED, "Failed to create iscsi target for volume %s."),
        REMOVE(CinderError.ISCSI_TARGET_REMOVE_FAILED, "Failed to remove iscsi target for volume %s."),
        ATTACH(CinderError.ISCSI_TARGET_ATTACH_FAILED, "Failed to attach iSCSI target for volume %s."),
        DETACH(CinderError.ISCSI_TARGET_DETACH_FAILED, "Failed to detach iSCSI target for volume %s."),
        /** Only reading the target configuration failed; Cinder has no class of its own for that. */
        QUERY(CinderError.VOLUME_BACKEND_API_EXCEPTION,
                "Bad or unexpected response from the storage volume backend API: cannot read the iSCSI targets (volume %s).");

        final CinderError cinderError;
        final String template;

        Kind(CinderError cinderError, String template) {
            this.cinderError = cinderError;
            this.template = template;
        }
    }

    /** Null when no command failed. */
    private final CommandFailure failure;

    private IscsiTargetException(Kind kind, String volumeId, String reason, CommandFailure failure) {
        super(kind.cinderError, String.format(kind.template, volumeId) + " " + reason
                + (failure == null ? "" : " [" + failure.whereWithStderr() + "]"));
        this.failure = failure;
    }

    /** A failure the target helper found itself (state it read back was wrong). */
    static IscsiTargetException of(Kind kind, String volumeId, String reason) {
        return new IscsiTargetException(kind, volumeId, reason, null);
    }

    /** A command failed; its command line and stderr are scrubbed of {@code chap}'s password. */
    static IscsiTargetException of(Kind kind, String volumeId, String reason, CommandFailedException failure,
                                   ChapCredentials chap) {
        return new IscsiTargetException(kind, volumeId, reason, failure.failure().scrubbed(s -> Secrets.scrub(s, chap)));
    }

    /** The failed command (secrets masked), when a command failed. */
    public Optional<CommandFailure> failure() {
        return Optional.ofNullable(failure);
    }

    /** The failing command as shown to operators (secrets masked), or {@code null}. */
    public String command() {
        return failure == null ? null : failure.command();
    }

    /** Its exit code; -1 when it timed out or could not start, 0 when no command failed. */
    public int exitCode() {
        return failure == null ? 0 : failure.exitCode();
    }

    /** Its stderr (secrets masked); empty when no command failed. */
    public String stderr() {
        return failure == null ? "" : failure.stderr();
    }
}
