package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandFailure;

/** Any other lvm failure; the message carries lvm's words, the command and the exit code. */
public class LvmCommandException extends LvmException {
    private static final long serialVersionUID = 1L;

    LvmCommandException(CommandFailedException failure) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, "LVM command failed", failure);
    }

    LvmCommandException(String summary, CommandFailedException failure) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, summary, failure);
    }

    LvmCommandException(String summary, CommandFailure unusable) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, summary, unusable);
    }
}
