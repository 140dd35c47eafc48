package org.ebsvolume.drivers.drbd;

/** The TCP port and device minor one resource holds, allocated together by {@link DrbdPortAllocator}. */
public record DrbdSlot(int port, int minor) {

    public DrbdSlot {
        DrbdNames.requirePort(port);
        DrbdNames.requireMinor(minor);
    }
}
