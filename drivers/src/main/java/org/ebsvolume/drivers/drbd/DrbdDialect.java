package org.ebsvolume.drivers.drbd;

/**
 * Which drbd.conf grammar a resource file is written for. drbd-utils 9.x carries two parsers and
 * picks one by the loaded kernel module: {@code /lib/drbd/drbdadm-84} for an 8.4 module (the lab's
 * Debian kernel: 8.4.11), its own 9 parser for DRBD 9 (production).
 *
 * <p>Almost everything the project writes is accepted by both (checked with drbd-utils 9.22's
 * real parsers: see the test resources' README). The one difference that cannot be written once:
 * {@code fencing} is a {@code disk} option for 8.4 and a {@code net} option for 9, and each parser
 * rejects it in the other's section ({@code Parse error: 'an option keyword' expected, but got
 * 'fencing'} from 8.4 in {@code net}; {@code 'resync-rate | c-plan-ahead | … | bitmap' expected,
 * but got 'fencing'} from 9 in {@code disk}). DRBD 9 files also get {@code options { auto-promote
 * no; }}, which the 8.4 parser rejects, so that a DRBD 9 node is promoted only when the worker
 * asks, as on 8.4.
 */
public enum DrbdDialect {
    V84,
    V9;

    /** The dialect the loaded module's drbdadm personality parses. */
    public static DrbdDialect forKernel(DrbdKernelVersion version) {
        return version.major() >= 9 ? V9 : V84;
    }
}
