package org.ebsvolume.drivers;

/** The facts about a Cinder snapshot a driver needs; its storage name is {@code _snapshot-<id>}. */
public record SnapshotRef(String id, VolumeRef volume, int volumeSizeGb, String providerLocation) {
}
