package org.ebsvolume.drivers.drbd;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How healthy one node's view of a replicated resource is, with the state it was decided from
 * ({@link #evidence}) for the log.
 *
 * @param kind          the verdict
 * @param syncPercent   for {@link Kind#SYNCING}: how much of the device is in sync, when DRBD says
 * @param evidence      the resource state in events2's words, and why it got this verdict
 */
public record DrbdHealth(Kind kind, OptionalDouble syncPercent, String evidence) {

    public enum Kind {
        /** Connected, both copies UpToDate, nothing to resync: a failover loses nothing. */
        UP_TO_DATE,
        /** A resync is running (or starting): one copy is catching up; see {@link #syncPercent}. */
        SYNCING,
        /**
         * The peer is gone (any connection state but Connected and StandAlone: NetworkFailure,
         * Unconnected, Connecting, WFConnection, …) and the local copy is UpToDate: the volume
         * works, without a replica. DRBD keeps trying to reconnect.
         */
        DEGRADED_PEER_LOST,
        /**
         * Both nodes are Primary, or the connection is StandAlone (or absent): DRBD stopped trying to connect,
         * which it does after detecting a split brain it may not resolve by itself
         * ({@code after-sb-*} policies), after a handshake it refuses, or after an explicit
         * {@code drbdadm disconnect}. Someone must choose the copy to keep
         * ({@code drbdadm connect --discard-my-data} on the other node).
         */
        SPLIT_BRAIN,
        /** No usable local copy: Diskless (never attached, or detached after I/O errors), Failed, or attaching/detaching. */
        DISKLESS_OR_FAILED,
        /**
         * Neither in sync nor syncing nor safely degraded: e.g. both copies Inconsistent before the
         * first {@code primary --force}, a local copy Outdated/Consistent while the peer is gone, or
         * or a state word this code does not know.
         */
        NOT_UP_TO_DATE,
        /** The resource is not configured in the kernel on this node (down, or never brought up). */
        UNCONFIGURED
    }

    public DrbdHealth {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(syncPercent, "syncPercent");
        Objects.requireNonNull(evidence, "evidence");
    }

    /** The health of a resource the kernel does not know ({@code events2 --now} printed nothing for it). */
    public static DrbdHealth unconfigured(String resourceName) {
        return new DrbdHealth(Kind.UNCONFIGURED, OptionalDouble.empty(), resourceName + " is not configured in the kernel");
    }

    public static DrbdHealth of(String resourceName, Optional<DrbdResourceState> state) {
        return state.map(DrbdHealth::of).orElseGet(() -> unconfigured(resourceName));
    }

    /**
     * The verdict for one resource, checked in this order so that the most urgent finding wins:
     * no local data, split brain, resync, peer lost, in sync. With several volumes or peers the
     * worst of them decides (the project's resources have one of each).
     */
    public static DrbdHealth of(DrbdResourceState state) {
        String seen = state.describe();
        if (state.devices().isEmpty()) {
            return verdict(Kind.DISKLESS_OR_FAILED, seen, "no local volume");
        }
        for (DrbdDevice d : state.devices().values()) {
            if (d.disk().isWithoutData()) {
                return verdict(Kind.DISKLESS_OR_FAILED, seen, "local disk " + d.disk());
            }
        }
        for (DrbdPeer p : state.peers().values()) {
            if (state.role() == DrbdRole.PRIMARY && p.role() == DrbdRole.PRIMARY) {
                return verdict(Kind.SPLIT_BRAIN, seen, "both nodes are Primary");
            }
            if (p.connection() == DrbdConnectionState.STAND_ALONE) {
                return verdict(Kind.SPLIT_BRAIN, seen, "StandAlone: DRBD stopped connecting to " + p.name()
                        + " (split brain, refused handshake, or disconnected by hand)");
            }
        }
        if (state.peers().isEmpty()) {
            // 8.4's drbdadm status prints no connection line at all for a StandAlone resource (recorded).
            return verdict(Kind.SPLIT_BRAIN, seen, "no connection: StandAlone, not trying to connect");
        }
        for (DrbdPeer p : state.peers().values()) {
            for (DrbdPeerDevice pd : p.devices().values()) {
                if (p.connection() == DrbdConnectionState.CONNECTED && pd.replication().isResync()) {
                    String progress = pd.donePercent().isPresent()
                            ? String.format(java.util.Locale.ROOT, "%.2f%% in sync", pd.donePercent().getAsDouble()) : "progress unknown";
                    return new DrbdHealth(Kind.SYNCING, pd.donePercent(), seen + " => " + pd.replication() + " with " + p.name() + ", " + progress);
                }
            }
        }
        boolean allLocalUpToDate = state.devices().values().stream().allMatch(d -> d.disk() == DrbdDiskState.UP_TO_DATE);
        for (DrbdPeer p : state.peers().values()) {
            if (p.connection() != DrbdConnectionState.CONNECTED) {
                return allLocalUpToDate
                        ? verdict(Kind.DEGRADED_PEER_LOST, seen, "connection to " + p.name() + " lost (" + p.connection() + "), local copy UpToDate")
                        : verdict(Kind.NOT_UP_TO_DATE, seen, "connection to " + p.name() + " lost (" + p.connection() + ") and the local copy is not UpToDate");
            }
        }
        for (DrbdPeer p : state.peers().values()) {
            for (DrbdDevice d : state.devices().values()) {
                DrbdPeerDevice pd = p.devices().get(d.volume());
                if (pd == null || d.disk() != DrbdDiskState.UP_TO_DATE || pd.peerDisk() != DrbdDiskState.UP_TO_DATE
                        || pd.replication() != DrbdReplicationState.ESTABLISHED) {
                    return verdict(Kind.NOT_UP_TO_DATE, seen, "connected but not both UpToDate and Established");
                }
            }
        }
        return verdict(Kind.UP_TO_DATE, seen, "connected, both copies UpToDate");
    }

    private static DrbdHealth verdict(Kind kind, String seen, String why) {
        return new DrbdHealth(kind, OptionalDouble.empty(), seen + " => " + why);
    }
}
