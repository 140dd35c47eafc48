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

    /**
     * Where the volume service installs its DRBD handler ({@code bin/ebs-drbd-handler} in the
     * source tree): every resource it writes names this program for its handlers.
     */
    public static final String FENCE_HANDLER = "/usr/lib/ebs-volume/ebs-drbd-handler";

    /** {@code net { ping-int }}: seconds of silence before DRBD pings its peer (default 10). */
    public static final int PING_INT_SECONDS = 5;
    /** {@code net { timeout }}: tenths of a second a peer may take to answer (default 60; below ping-int). */
    public static final int TIMEOUT_DECISECONDS = 40;

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

    /**
     * {@code c-fill-target}, in 512-byte sectors: the resync data the controller keeps in flight.
     * DRBD's default, 100 sectors (50 KiB), caps a resync at 50 KiB per round trip: 5 MB/s at a
     * 10 ms RTT (measured in the lab: a 1 GiB full sync took 208 s at resync-rate 100M). A tenth of
     * a second of the resync rate, at least 1 MiB, lets the rate be reached up to a 100 ms RTT;
     * application I/O still wins over the resync (c-min-rate).
     */
    long fillTargetSectors() {
        return Math.max(1024, resyncRateKib / 10) * 2;
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
     *       them a returning crashed primary went StandAlone on DRBD 9 (lab samples). A dead peer
     *       is noticed by DRBD's ping: {@code ping-int} {@value #PING_INT_SECONDS} s instead of the
     *       default 10 s (measured: the backup's take-over waited for DRBD, not for the heartbeat),
     *       with {@code timeout} {@value #TIMEOUT_DECISECONDS} (tenths of a second, default 60),
     *       which DRBD requires below ping-int and connect-int;</li>
     *   <li>{@code disk}: {@code on-io-error detach} (a failing backing disk makes the node
     *       Diskless instead of passing errors up), the resync rate, also as {@code c-max-rate}
     *       because DRBD's dynamic resync controller (c-plan-ahead, on by default) uses
     *       resync-rate only as its starting point and c-max-rate as its limit, and the
     *       controller's {@code c-fill-target} ({@link #fillTargetSectors});</li>
     *   <li>{@code fencing resource-and-stonith} (disk section on 8.4, net section on 9, see
     *       {@link DrbdDialect}) and the handlers: a Primary that loses its peer freezes its I/O
     *       and calls {@code fence-peer}; the I/O resumes only when the handler answers that the
     *       peer is outdated, dead or fenced (exit 4, 5 or 7, {@link DrbdFenceAnswer}). Without the
     *       freeze ({@code resource-only}) a Primary cut off from its peer and from the witness would
     *       acknowledge writes the backup never gets until something noticed. A Secondary promoted
     *       while disconnected calls it too; DRBD refuses the promotion ({@code Refusing to be Primary
     *       while peer is not outdated}) on any other answer (the lab's 8.4 retried a handler that
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
        f.append("        ping-int ").append(PING_INT_SECONDS).append(";\n");
        f.append("        timeout ").append(TIMEOUT_DECISECONDS).append(";\n");
        if (fencing && dialect == DrbdDialect.V9) {
            f.append("        fencing ").append(fencingPolicy()).append(";\n");
        }
        f.append("    }\n");
        f.append("    disk {\n");
        f.append("        on-io-error detach;\n");
        f.append("        resync-rate ").append(resyncRateKib).append("K;\n");
        f.append("        c-max-rate ").append(resyncRateKib).append("K;\n");
        f.append("        c-fill-target ").append(fillTargetSectors()).append(";\n");
        if (fencing && dialect == DrbdDialect.V84) {
            f.append("        fencing ").append(fencingPolicy()).append(";\n");
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
     * {@code resource-and-stonith} under protocols B and C; {@code resource-only} under A, where
     * DRBD refuses the other ({@code Failure: (154) Fencing policy resource-and-stonith only with
     * prot B or C allowed}, seen by the soak tier on the lab's 8.4). Under A a write is
     * acknowledged before the peer has it, so freezing I/O on a lost peer could not keep every
     * acknowledged write on the backup anyway (docs/replication.md); the fence-peer handler still
     * runs, marks the peer outdated in the witness and guards a promotion.
     */
    String fencingPolicy() {
        return protocol == DrbdProtocol.A ? "resource-only" : "resource-and-stonith";
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
