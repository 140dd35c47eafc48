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

    /**
     * Adds a replicated backend's keys ({@code replication_enabled}, {@code replication_targets},
     * {@code replication_type}, {@code replication_count}) at the top level, where Cinder's
     * manager and replication API read them, and to the pool, where the scheduler's
     * CapabilitiesFilter matches a type's {@code replication_enabled='<is> True'}.
     */
    @SuppressWarnings("unchecked")
    public static void addReplication(Map<String, Object> stats, Map<String, Object> replication) {
        stats.putAll(replication);
        for (Object pool : (List<Object>) stats.get("pools")) {
            ((Map<String, Object>) pool).putAll(replication);
        }
    }

    public static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
