package org.ebsvolume.worker.rpc;

import java.util.Map;

/** Cinder's standard capability descriptions, returned under {@code properties} by get_capabilities. */
final class Capabilities {

    private Capabilities() {
    }

    static final Map<String, Object> STANDARD_PROPERTIES = Map.of(
            "thin_provisioning", Map.of("title", "Thin Provisioning", "description", "Sets thin provisioning.", "type", "boolean"),
            "compression", Map.of("title", "Compression", "description", "Enables compression.", "type", "boolean"),
            "qos", Map.of("title", "QoS", "description", "Enables QoS.", "type", "boolean"),
            "replication_enabled", Map.of("title", "Replication", "description", "Enables replication.", "type", "boolean"));
}
