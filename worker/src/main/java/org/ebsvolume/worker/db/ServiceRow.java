package org.ebsvolume.worker.db;

import java.time.LocalDateTime;

/** The columns of a {@code services} row the worker reads. */
public record ServiceRow(int id, String uuid, String host, String clusterName, boolean disabled, String disabledReason,
                         boolean frozen, String replicationStatus, String activeBackendId, int reportCount,
                         String availabilityZone, LocalDateTime updatedAt) {
}
