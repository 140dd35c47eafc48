package org.ebsvolume.drivers.lvm;

import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One logical volume as {@code lvs --units b} reports it.
 *
 * @param origin      the LV this one is a snapshot of; empty when none (lvm prints "")
 * @param poolLv      the thin pool holding this thin LV; empty when none
 * @param attr        {@code lv_attr} exactly as lvm prints it, e.g. {@code -wi-a-----}; see {@link #kind()}
 * @param dataPercent how full a thin pool, thin LV or thick snapshot is; absent for plain LVs
 */
public record LogicalVolume(String vg, String name, long sizeBytes, String attr, String origin, String poolLv,
                            OptionalDouble dataPercent) {

    /** What an LV is, read from the first character of {@code lv_attr} (and {@code origin} for thin LVs). */
    public enum Kind {
        /** A plain, fully allocated LV ({@code -}), also one that has snapshots ({@code o}, {@code O} while merging) or is mirrored ({@code m}, {@code M}, {@code r}, {@code R}). */
        THICK,
        /** A copy-on-write snapshot of a thick LV ({@code s}, {@code S} while merging). */
        THICK_SNAPSHOT,
        /** A thin LV ({@code V}) with no origin. */
        THIN,
        /** A thin LV ({@code V}) created as a snapshot of another thin LV; Cinder's thin clones are this kind too. */
        THIN_SNAPSHOT,
        /** A thin pool ({@code t}). */
        THIN_POOL,
        /** Anything Cinder never creates: pool data/metadata, mirror images and logs, cache, VDO, pvmove… */
        OTHER
    }

    public LogicalVolume {
        Objects.requireNonNull(vg, "vg");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(attr, "attr");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(poolLv, "poolLv");
        Objects.requireNonNull(dataPercent, "dataPercent");
    }

    public Kind kind() {
        return switch (attrAt(0)) {
            case '-', 'o', 'O', 'm', 'M', 'r', 'R' -> Kind.THICK;
            case 's', 'S' -> Kind.THICK_SNAPSHOT;
            case 'V' -> origin.isEmpty() ? Kind.THIN : Kind.THIN_SNAPSHOT;
            case 't' -> Kind.THIN_POOL;
            default -> Kind.OTHER;
        };
    }

    public boolean isThin() {
        return kind() == Kind.THIN || kind() == Kind.THIN_SNAPSHOT;
    }

    /**
     * A thick LV with snapshots ({@code o}/{@code O}): lvm extends it only while inactive, and
     * removing it would silently remove its snapshots too. (A thin origin stays {@code V}: its
     * snapshots are independent LVs.) Cinder's {@code lv_has_snapshot} tests the same characters.
     */
    public boolean hasSnapshots() {
        return attrAt(0) == 'o' || attrAt(0) == 'O';
    }

    /**
     * Active in the kernel ({@code a} in the 5th position). With {@code activation=0} lvm does not
     * know and prints {@code X}, which counts as not active.
     */
    public boolean isActive() {
        return attrAt(4) == 'a';
    }

    /** Someone holds the device open ({@code o} in the 6th position): attached, mounted, exported. */
    public boolean isOpen() {
        return attrAt(5) == 'o';
    }

    /** Carries the activation-skip flag ({@code k}, 10th position): thin snapshots are created with it. */
    public boolean skipsActivation() {
        return attrAt(9) == 'k';
    }

    private char attrAt(int i) {
        return i < attr.length() ? attr.charAt(i) : '-';
    }
}
