package org.ebsvolume.drivers.drbd;

/**
 * One of the two nodes of a resource, as its {@code on <hostname> { … }} section names it.
 *
 * @param hostname    exactly what {@code uname -n} prints on that node: drbdadm picks the section
 *                    whose name equals the local node name, and refuses a file with none
 *                    ({@code not defined in your config (for this host)})
 * @param address     the node's replication IPv4 address; drbdadm refuses the file on that node
 *                    when no local interface has it ({@code IP … not found on this host})
 * @param backingDisk the logical volume under the DRBD device, {@code /dev/<vg>/<lv>}
 */
public record DrbdHost(String hostname, String address, String backingDisk) {

    public DrbdHost {
        DrbdNames.requireHostname(hostname);
        DrbdNames.requireIpv4(address);
        DrbdNames.requireBackingDisk(backingDisk);
    }
}
