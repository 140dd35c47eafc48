package org.ebsvolume.drivers.drbd;

import java.util.Objects;
import java.util.Optional;

/**
 * One replicated volume: a DRBD resource with one volume between two nodes, and the resource file
 * that describes it ({@link #render}). Both nodes get the same file; each finds its own
 * {@code on <hostname>} section by its node name.
 *
 * <p>Every value is validated here, so a rendered file can never contain a character that breaks
 * drbd.conf's syntax or a handler command line.
 *
 * @param resourceName   the DRBD resource, named like its logical volume ({@code volume-<uuid>})
 * @param minor          the device minor, the same on both nodes: the device is {@code /dev/drbd<minor>}
 * @param port           the TCP port, the same on both nodes
 * @param protocol       A, B or C (cinder.conf's {@code replication_mode})
 * @param resyncRateKib  the resync rate in KiB/s (cinder.conf's {@code replication_resync_rate}),
 *                       {@value #MIN_RESYNC_RATE_KIB}..{@value #MAX_RESYNC_RATE_KIB}
 * @param first          one node (the order does not matter to DRBD 8.4; DRBD 9 numbers the nodes
 *                       in file order, so both nodes must get the same order, which the same file gives)
 * @param second         the other node
 * @param handlerCommand the absolute path of the program DRBD runs for {@code fence-peer},
 *                       {@code unfence-peer}, {@code split-brain} and {@code after-resync-target}, with the handler's
 *                       name as its one argument (DRBD passes the rest in {@code DRBD_RESOURCE},
 *                       {@code DRBD_MINOR}, {@code DRBD_PEER}, {@code DRBD_PEER_ADDRESS} …); empty
 *                       means no handlers and no fencing
 */
public record DrbdResourceConfig(String resourceName, int minor, int port, DrbdProtocol protocol, long resyncRateKib,
                                 DrbdHost first, DrbdHost second, Optional<String> handlerCommand) {

    /** DRBD's c-min-rate default is 250 KiB/s; a c-max-rate below it is refused (drbd_limits.h C_MAX_RATE_MIN). */
    public static final long MIN_RESYNC_RATE_KIB = 250;
    /** 4 GiB/s: DRBD's upper limit for resync-rate and c-max-rate (drbd_limits.h, 8.4 and 9). */
    public static final long MAX_RESYNC_RATE_KIB = 4L << 20;

    public DrbdResourceConfig {
        DrbdNames.requireResourceName(resourceName);
        DrbdNames.requireMinor(minor);
        DrbdNames.requirePort(port);
        Objects.requireNonNull(protocol, "protocol");
        if (resyncRateKib < MIN_RESYNC_RATE_KIB || resyncRateKib > MAX_RESYNC_RATE_KIB) {
            throw new InvalidDrbdConfigException("resync rate " + resyncRateKib + " KiB/s is outside "
                    + MIN_RESYNC_RATE_KIB + ".." + MAX_RESYNC_RATE_KIB);
        }
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(second, "second");
        if (first.hostname().equals(second.hostname())) {
            throw new InvalidDrbdConfigException("both nodes are named '" + first.hostname() + "'");
        }
        if (first.address().equals(second.address())) {
            throw new InvalidDrbdConfigException("both nodes have the address " + first.address());
        }
        Objects.requireNonNull(handlerCommand, "handlerCommand");
        handlerCommand.ifPresent(DrbdNames::requireHandlerPath);
    }

    /** {@code /dev/drbd<minor>}: the replicated block device, usable on the Primary only. */
    public String device() {
        return "/dev/drbd" + minor;
    }

    /**
     * The resource file in the given dialect. Sections, in order:
     * <ul>
     *   <li>{@code options { auto-promote no; }} (9 only): DRBD 9 would otherwise promote a node
     *       when something opens the device for writing; the worker promotes explicitly, as 8.4
     *       requires anyway;</li>
     *   <li>{@code net}: the protocol and the split-brain policies DRBD applies by itself when it
     *       can tell which side has no changes ({@code after-sb-0pri discard-zero-changes}) or
     *       which side is Secondary ({@code after-sb-1pri discard-secondary}); two Primaries are
     *       never resolved automatically ({@code after-sb-2pri disconnect}: StandAlone). Without
     *       them a returning crashed primary went StandAlone on DRBD 9 (lab samples);</li>
     *   <li>{@code disk}: {@code on-io-error detach} (a failing backing disk makes the node
     *       Diskless instead of passing errors up), the resync rate, also as {@code c-max-rate}
     *       because DRBD's dynamic resync controller (c-plan-ahead, on by default) uses
     *       resync-rate only as its starting point and c-max-rate as its limit;</li>
     *   <li>{@code fencing resource-only} (disk section on 8.4, net section on 9, see
     *       {@link DrbdDialect}) and the handlers: a Primary that loses its peer, and a Secondary
     *       promoted while disconnected, call {@code fence-peer}; DRBD refuses the promotion
     *       ({@code Refusing to be Primary while peer is not outdated}) until the handler answers
     *       that the peer is outdated or dead (exit 4, 5 or 7; the lab's 8.4 retried a handler that
     *       exited 1 and refused the promotion). {@code unfence-peer} runs once the peer is UpToDate
     *       again (seen in the lab after each resync), {@code split-brain} when DRBD finds a split
     *       brain it may not resolve and drops the connection (StandAlone), {@code after-resync-target}
     *       on the node that was resynced;</li>
     *   <li>the two hosts, each with its address and volume 0 (its backing disk, internal metadata).</li>
     * </ul>
     */
    public String render(DrbdDialect dialect) {
        Objects.requireNonNull(dialect, "dialect");
        boolean fencing = handlerCommand.isPresent();
        StringBuilder f = new StringBuilder();
        f.append("# ebs-volume: DRBD resource ").append(resourceName)
                .append(" (").append(dialect == DrbdDialect.V9 ? "DRBD 9" : "DRBD 8.4").append(" dialect).\n");
        f.append("# Written by the volume service; changes made by hand are overwritten.\n");
        f.append("resource \"").append(resourceName).append("\" {\n");
        if (dialect == DrbdDialect.V9) {
            f.append("    options {\n");
            f.append("        auto-promote no;\n");
            f.append("    }\n");
        }
        f.append("    net {\n");
        f.append("        protocol ").append(protocol.name()).append(";\n");
        f.append("        after-sb-0pri discard-zero-changes;\n");
        f.append("        after-sb-1pri discard-secondary;\n");
        f.append("        after-sb-2pri disconnect;\n");
        if (fencing && dialect == DrbdDialect.V9) {
            f.append("        fencing resource-only;\n");
        }
        f.append("    }\n");
        f.append("    disk {\n");
        f.append("        on-io-error detach;\n");
        f.append("        resync-rate ").append(resyncRateKib).append("K;\n");
        f.append("        c-max-rate ").append(resyncRateKib).append("K;\n");
        if (fencing && dialect == DrbdDialect.V84) {
            f.append("        fencing resource-only;\n");
        }
        f.append("    }\n");
        handlerCommand.ifPresent(command -> {
            f.append("    handlers {\n");
            f.append("        fence-peer \"").append(command).append(" fence-peer\";\n");
            f.append("        unfence-peer \"").append(command).append(" unfence-peer\";\n");
            f.append("        split-brain \"").append(command).append(" split-brain\";\n");
            f.append("        after-resync-target \"").append(command).append(" after-resync-target\";\n");
            f.append("    }\n");
        });
        appendHost(f, first);
        appendHost(f, second);
        f.append("}\n");
        return f.toString();
    }

    /**
     * The volume sits inside each host section (the form {@code drbdadm dump} prints on 8.4), so
     * each node may have its own backing disk path; both parsers accept it.
     */
    private void appendHost(StringBuilder f, DrbdHost host) {
        f.append("    on \"").append(host.hostname()).append("\" {\n");
        f.append("        volume 0 {\n");
        f.append("            device minor ").append(minor).append(";\n");
        f.append("            disk \"").append(host.backingDisk()).append("\";\n");
        f.append("            meta-disk internal;\n");
        f.append("        }\n");
        f.append("        address ").append(host.address()).append(':').append(port).append(";\n");
        f.append("    }\n");
    }
}
