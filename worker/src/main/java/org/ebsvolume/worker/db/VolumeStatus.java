package org.ebsvolume.worker.db;

/**
 * The {@code status} column of volumes: Cinder's {@code fields.VolumeStatus}, and the strings its
 * volume manager and API write outside that enum (a migration's target while it is made and before
 * the move completes, a revert, an unmanage and its failure, a failed manage being deleted, and
 * {@code deleted} beside {@code deleted = 1}).
 */
public enum VolumeStatus implements ColumnEnum {
    CREATING("creating"),
    AVAILABLE("available"),
    DELETING("deleting"),
    ERROR("error"),
    ERROR_DELETING("error_deleting"),
    ERROR_MANAGING("error_managing"),
    MANAGING("managing"),
    ATTACHING("attaching"),
    IN_USE("in-use"),
    DETACHING("detaching"),
    MAINTENANCE("maintenance"),
    RESTORING_BACKUP("restoring-backup"),
    ERROR_RESTORING("error_restoring"),
    RESERVED("reserved"),
    AWAITING_TRANSFER("awaiting-transfer"),
    BACKING_UP("backing-up"),
    ERROR_BACKING_UP("error_backing-up"),
    ERROR_EXTENDING("error_extending"),
    DOWNLOADING("downloading"),
    UPLOADING("uploading"),
    RETYPING("retyping"),
    EXTENDING("extending"),
    MIGRATION_TARGET_CREATING("migration_target_creating"),
    MIGRATION_TARGET("migration_target"),
    ERROR_MANAGING_DELETING("error_managing_deleting"),
    ERROR_UNMANAGING("error_unmanaging"),
    UNMANAGING("unmanaging"),
    REVERTING("reverting"),
    DELETED("deleted");

    private final String column;

    VolumeStatus(String column) {
        this.column = column;
    }

    @Override
    public String column() {
        return column;
    }

    /** @throws IllegalArgumentException a value Cinder's enum does not have: a row no Cinder wrote */
    public static VolumeStatus ofColumn(String value) {
        return ColumnEnum.parse(VolumeStatus.class, "volume status", value);
    }

    @Override
    public String toString() {
        return column;
    }
}
