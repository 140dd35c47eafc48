package org.ebsvolume.drivers.lvm;

import org.ebsvolume.drivers.command.CommandFailedException;

/**
 * The kernel has no usable device-mapper (no {@code dm-mod}, {@code dm-thin-pool},
 * {@code dm-snapshot}, or no {@code /dev/mapper/control}): {@code Can't create thin-pool without
 * using device-mapper kernel driver.}, {@code Can't create snapshot without …},
 * {@code /dev/mapper/control: open failed: No such device}. Retrying cannot help; the node needs
 * those kernel modules. A subclass of {@link LvmCommandException} so generic handlers still see it.
 */
public final class DeviceMapperUnavailableException extends LvmCommandException {
    private static final long serialVersionUID = 1L;

    DeviceMapperUnavailableException(CommandFailedException failure) {
        super("The kernel's device-mapper is not available to lvm", failure);
    }
}
