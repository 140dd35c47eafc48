package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * DRBD refused a role or connection change ({@code State change failed: (-N) …}); the subclasses
 * name the refusals the worker acts on, this class carries any other.
 */
public class DrbdStateChangeRefusedException extends DrbdException {
    private static final long serialVersionUID = 1L;

    DrbdStateChangeRefusedException(CommandFailedException failure) {
        super("DRBD refused the state change", failure);
    }

    DrbdStateChangeRefusedException(String summary, CommandFailedException failure) {
        super(summary, failure);
    }
}
