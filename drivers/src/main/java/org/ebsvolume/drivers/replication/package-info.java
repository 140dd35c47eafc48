/**
 * Replication of EBS volumes to a backup host with DRBD, one resource per volume (see
 * docs/replication.md).
 *
 * <ul>
 *   <li>{@link org.ebsvolume.drivers.replication.ReplicatedVolumes}: the primary's side, called by
 *       the EBS driver when a replicated volume is created, extended, exported and deleted;</li>
 *   <li>{@link org.ebsvolume.drivers.replication.ReplicaHost}: the backup's side, the four
 *       idempotent calls the primary makes (state, prepare, resize, remove);</li>
 *   <li>{@link org.ebsvolume.drivers.replication.ReplicaPeer}: how the primary reaches the backup
 *       (the worker implements it over the broker, authenticated).</li>
 * </ul>
 */
package org.ebsvolume.drivers.replication;
