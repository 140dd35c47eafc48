package org.ebsvolume.worker.db;

/** Cinder's {@code fields.SnapshotStatus}: the {@code status} column of snapshots. */
public enum SnapshotStatus implements ColumnEnum {
    ERROR("error"),
    AVAILABLE("available"),
    CREATING("creating"),
    DELETING("deleting"),
    DELETED("deleted"),
    UPDATING("updating"),
    ERROR_DELETING("error_deleting"),
    UNMANAGING("unmanaging"),
    BACKING_UP("backing-up"),
    RESTORING("restoring");

    private final String column;

    SnapshotStatus(String column) {
        this.column = column;
    }

    @Override
    public String column() {
        return column;
    }

    /** @throws IllegalArgumentException a value Cinder's enum does not have: a row no Cinder wrote */
    public static SnapshotStatus ofColumn(String value) {
        return ColumnEnum.parse(SnapshotStatus.class, "snapshot status", value);
    }

    @Override
    public String toString() {
        return column;
    }
}
