package org.ebsvolume.drivers;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stats dict Cinder's LVM driver reports ({@code _update_volume_stats}), one pool named after
 * {@code volume_backend_name}; every backend of this project reports in this shape.
 */
public record CapabilityReport(String volumeBackendName, String hostname, String volumeGroup, boolean thin, int lvmMirrors,
                               int reservedPercentage, String maxOverSubscriptionRatio) {

    /** The stats for the given capacities (GiB), volume count and backend state ({@code up}/{@code down}). */
    public Map<String, Object> stats(double totalGb, double freeGb, double provisionedGb, int totalVolumes, String backendState) {
        Map<String, Object> pool = new LinkedHashMap<>();
        pool.put("pool_name", volumeBackendName);
        pool.put("total_capacity_gb", totalGb);
        pool.put("free_capacity_gb", freeGb);
        pool.put("provisioned_capacity_gb", provisionedGb);
        pool.put("reserved_percentage", reservedPercentage);
        pool.put("location_info", "LVMVolumeDriver:" + hostname + ":" + volumeGroup + ":" + (thin ? "thin" : "default") + ":" + lvmMirrors);
        pool.put("QoS_support", false);
        pool.put("max_over_subscription_ratio", maxOverSubscriptionRatio);
        pool.put("thin_provisioning_support", thin);
        pool.put("thick_provisioning_support", !thin);
        pool.put("total_volumes", totalVolumes);
        pool.put("filter_function", null);
        pool.put("goodness_function", null);
        pool.put("multiattach", true);
        pool.put("backend_state", backendState);
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("volume_backend_name", volumeBackendName);
        stats.put("vendor_name", "Open Source");
        stats.put("driver_version", "3.0.0");
        stats.put("storage_protocol", "iSCSI");
        stats.put("pools", List.of(pool));
        stats.put("shared_targets", false);
        stats.put("sparse_copy_volume", thin);
        return stats;
    }

    public static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
