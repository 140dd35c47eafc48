package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.command.CommandFailedException;

/** Any other lvm failure; the message carries lvm's words, the command and the exit code. */
public class LvmCommandException extends LvmException {
    private static final long serialVersionUID = 1L;

    LvmCommandException(CommandFailedException failure) {
        super("VolumeBackendAPIException", "LVM command failed", failure);
    }

    LvmCommandException(String summary, CommandFailedException failure) {
        super("VolumeBackendAPIException", summary, failure);
    }

    LvmCommandException(String summary, String command, int exitCode, String stderr) {
        super("VolumeBackendAPIException", summary, command, exitCode, stderr);
    }
}
