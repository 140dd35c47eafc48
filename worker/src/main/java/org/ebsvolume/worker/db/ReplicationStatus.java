package org.ebsvolume.worker.db;

/** Cinder's {@code fields.ReplicationStatus}: the {@code replication_status} column of volumes and services. */
public enum ReplicationStatus implements ColumnEnum {
    ERROR("error"),
    ENABLED("enabled"),
    DISABLED("disabled"),
    NOT_CAPABLE("not-capable"),
    FAILING_OVER("failing-over"),
    FAILOVER_ERROR("failover-error"),
    FAILED_OVER("failed-over"),
    ENABLING("enabling"),
    DISABLING("disabling");

    private final String column;

    ReplicationStatus(String column) {
        this.column = column;
    }

    @Override
    public String column() {
        return column;
    }

    /**
     * The column's value, or null for NULL (a volume the API made and no driver answered for yet).
     *
     * @throws IllegalArgumentException a value Cinder's enum does not have: a row no Cinder wrote
     */
    public static ReplicationStatus ofColumn(String value) {
        if (value == null) {
            return null;
        }
        return ColumnEnum.parse(ReplicationStatus.class, "replication_status", value);
    }

    @Override
    public String toString() {
        return column;
    }
}
