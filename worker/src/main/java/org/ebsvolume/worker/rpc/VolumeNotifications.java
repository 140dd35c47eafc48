package org.ebsvolume.worker.rpc;

import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.Notifier;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code volume.*} notifications, with the usage payload Cinder's
 * {@code notify_about_volume_usage} sends; nothing is sent when the worker has no notifier.
 */
final class VolumeNotifications {

    private final Notifier notifier;

    /** @param notifier null: notifications are off */
    VolumeNotifications(Notifier notifier) {
        this.notifier = notifier;
    }

    void send(MessageContext ctx, String event, Map<String, Object> volumeRow) {
        if (notifier != null) {
            notifier.info(ctx, event, usage(volumeRow));
        }
    }

    static Map<String, Object> usage(Map<String, Object> row) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("tenant_id", row.get("project_id"));
        p.put("host", row.get("host"));
        p.put("user_id", row.get("user_id"));
        p.put("availability_zone", row.get("availability_zone"));
        p.put("volume_id", row.get("id"));
        p.put("volume_type", row.get("volume_type_id"));
        p.put("display_name", row.get("display_name"));
        p.put("status", row.get("status"));
        p.put("size", row.get("size"));
        p.put("replication_status", row.get("replication_status"));
        return p;
    }
}
