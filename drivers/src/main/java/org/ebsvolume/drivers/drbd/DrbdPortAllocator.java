package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.DriverException;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Hands each replicated resource a TCP port and a device minor: slot {@code i} (0 ≤ i <
 * {@value #SLOT_COUNT}) is port {@code startingPort + i} and minor {@code minorBase + i}, matching
 * cinder.conf's {@code replication_starting_port} and its range of {@value #SLOT_COUNT} ports.
 *
 * <p>The resource files ({@link DrbdResourceFiles}) are the record of what is taken: every
 * allocation reads them again, so a restart, a file written by an earlier run or a file removed by
 * hand is seen at once, and nothing is kept on the side that could disagree with them. Between
 * {@link #allocate} and the moment the caller writes the file, the slot is held in memory, so two
 * threads never get the same one. Asking again for a resource that has a file or a held slot
 * answers the same slot: allocation is idempotent.
 *
 * <p>One allocator per directory and process (the worker); instances in two processes over one
 * directory could hand out the same free slot before either writes its file.
 */
public final class DrbdPortAllocator {

    /** cinder.conf's port range for DRBD ({@code BackendConfig.REPLICATION_PORT_COUNT}). */
    public static final int SLOT_COUNT = 1000;
    /**
     * Minors from 1000 on: away from the low minors administrators and other tools pick by hand
     * (DRBD's documentation uses 0..). DRBD 8.4 and 9 take any minor up to 2^20 - 1; the lab
     * used 40, 100 and 1000 with the module's default {@code minor_count}.
     */
    public static final int DEFAULT_MINOR_BASE = 1000;

    private final DrbdResourceFiles files;
    private final int startingPort;
    private final int minorBase;
    private final Map<String, DrbdSlot> held = new HashMap<>();

    public DrbdPortAllocator(DrbdResourceFiles files, int startingPort, int minorBase) {
        this.files = Objects.requireNonNull(files, "files");
        if (startingPort < 1 || startingPort + SLOT_COUNT - 1 > 65535) {
            throw new InvalidDrbdConfigException("replication ports " + startingPort + ".." + (startingPort + SLOT_COUNT - 1)
                    + " do not fit in 1..65535");
        }
        if (minorBase < 0 || minorBase + SLOT_COUNT - 1 > DrbdNames.MAX_MINOR) {
            throw new InvalidDrbdConfigException("DRBD minors " + minorBase + ".." + (minorBase + SLOT_COUNT - 1)
                    + " do not fit in 0.." + DrbdNames.MAX_MINOR);
        }
        this.startingPort = startingPort;
        this.minorBase = minorBase;
    }

    public DrbdPortAllocator(DrbdResourceFiles files, int startingPort) {
        this(files, startingPort, DEFAULT_MINOR_BASE);
    }

    /**
     * The resource's slot: the one in its file if it has one, the one held for it if this
     * allocator already gave it one, else the lowest slot whose port and minor no file and no
     * held slot uses.
     *
     * @throws DrbdPortsExhaustedException all {@value #SLOT_COUNT} slots are taken
     * @throws DrbdResourceFileException   a resource file cannot be read (nothing is allocated)
     */
    public synchronized DrbdSlot allocate(String resourceName) throws DriverException {
        return allocate(resourceName, Set.of(), Set.of());
    }

    /**
     * As {@link #allocate(String)}, and a new slot also avoids the given ports and minors: those
     * the peer node already uses. Both nodes of a resource must use the same port and minor, and
     * a node that is primary for some volumes and backup for others holds slots allocated by both.
     */
    public synchronized DrbdSlot allocate(String resourceName, Set<Integer> peerPorts, Set<Integer> peerMinors)
            throws DriverException {
        DrbdNames.requireResourceName(resourceName);
        Map<String, DrbdSlot> onDisk = files.readSlots();
        // A file written since the slot was held is the truth from now on.
        held.keySet().removeIf(onDisk::containsKey);
        DrbdSlot existing = onDisk.get(resourceName);
        if (existing == null) {
            existing = held.get(resourceName);
        }
        if (existing != null) {
            return existing;
        }
        Set<Integer> usedPorts = new HashSet<>(peerPorts);
        Set<Integer> usedMinors = new HashSet<>(peerMinors);
        for (DrbdSlot s : onDisk.values()) {
            usedPorts.add(s.port());
            usedMinors.add(s.minor());
        }
        for (DrbdSlot s : held.values()) {
            usedPorts.add(s.port());
            usedMinors.add(s.minor());
        }
        for (int i = 0; i < SLOT_COUNT; i++) {
            int port = startingPort + i;
            int minor = minorBase + i;
            if (!usedPorts.contains(port) && !usedMinors.contains(minor)) {
                DrbdSlot slot = new DrbdSlot(port, minor);
                held.put(resourceName, slot);
                return slot;
            }
        }
        throw new DrbdPortsExhaustedException(resourceName, startingPort, SLOT_COUNT, onDisk.size() + held.size());
    }

    /**
     * Holds a slot the peer chose for a resource (the backup's side of {@link #allocate}): free
     * when no resource file and no slot held in memory uses its port or its minor. Claiming again
     * the slot the resource already has is a no-op.
     *
     * @throws DrbdSlotTakenException another resource uses the port or the minor, or this resource has another slot
     */
    public synchronized void claim(String resourceName, DrbdSlot slot) throws DriverException {
        DrbdNames.requireResourceName(resourceName);
        Map<String, DrbdSlot> taken = new HashMap<>(files.readSlots());
        held.keySet().removeIf(taken::containsKey);
        taken.putAll(held);
        DrbdSlot mine = taken.remove(resourceName);
        if (mine != null && !mine.equals(slot)) {
            throw new DrbdSlotTakenException(resourceName, slot, resourceName, mine);
        }
        for (Map.Entry<String, DrbdSlot> e : taken.entrySet()) {
            if (e.getValue().port() == slot.port() || e.getValue().minor() == slot.minor()) {
                throw new DrbdSlotTakenException(resourceName, slot, e.getKey(), e.getValue());
            }
        }
        held.put(resourceName, slot);
    }

    /** The first port of the range this allocator hands out. */
    public int startingPort() {
        return startingPort;
    }

    /** Whether {@code slot} is one this allocator could hand out (its port and minor in range, paired). */
    public boolean inRange(DrbdSlot slot) {
        int i = slot.port() - startingPort;
        return i >= 0 && i < SLOT_COUNT && slot.minor() == minorBase + i;
    }

    /**
     * Forgets a slot held for a resource whose file was never written (its creation failed).
     * A resource with a file keeps its slot until the file is deleted.
     */
    public synchronized void release(String resourceName) {
        held.remove(resourceName);
    }
}
