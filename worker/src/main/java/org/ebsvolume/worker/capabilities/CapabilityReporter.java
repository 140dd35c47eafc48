package org.ebsvolume.worker.capabilities;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.VolumeDriver;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.MessagingException;
import org.ebsvolume.messaging.RpcClient;
import org.ebsvolume.messaging.Target;
import org.ebsvolume.messaging.Transport;
import org.ebsvolume.worker.db.ResourceTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tells the scheduler what this backend offers, as {@code SchedulerDependentManager} does: the
 * driver's stats plus what the manager adds per pool ({@code allocated_capacity_gb},
 * {@code cacheable}) and at the top ({@code filter_function}, {@code goodness_function}), sent as
 * the {@code update_service_capabilities} fanout (3.3) and the {@code notify_service_capabilities}
 * cast (3.5). The last report is kept for {@code get_capabilities}.
 */
public final class CapabilityReporter {

    private static final Logger LOG = LoggerFactory.getLogger(CapabilityReporter.class);
    /** The scheduler parses it with {@code %Y-%m-%dT%H:%M:%S.%f}: the fraction is mandatory. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    private final String host;
    private final String clusterName;
    private final VolumeDriver driver;
    private final ResourceTables tables;
    private final RpcClient schedulerFanout;
    private final RpcClient schedulerCast;
    private final Clock clock;
    private final AtomicReference<Map<String, Object>> last = new AtomicReference<>(Map.of());

    public CapabilityReporter(String host, String clusterName, VolumeDriver driver, ResourceTables tables,
                              Transport transport, Clock clock) {
        this.host = host;
        this.clusterName = clusterName;
        this.driver = driver;
        this.tables = tables;
        this.clock = clock;
        this.schedulerFanout = transport.client(Target.topic("cinder-scheduler").withVersion("3.3").withFanout(true));
        this.schedulerCast = transport.client(Target.topic("cinder-scheduler").withVersion("3.5"));
    }

    /** The stats of the last report (refreshed if none was made yet). */
    public Map<String, Object> current() {
        Map<String, Object> caps = last.get();
        return caps.isEmpty() ? refresh() : caps;
    }

    /** Reads the driver's stats now and completes them as the manager does. */
    public Map<String, Object> refresh() {
        Map<String, Object> stats;
        try {
            stats = new LinkedHashMap<>(driver.stats());
        } catch (DriverException e) {
            LOG.error("Backend {}: cannot read driver stats: {}", host, e.getMessage());
            stats = new LinkedHashMap<>(Map.of("backend_state", "down"));
        }
        long allocated = 0;
        try {
            allocated = tables.allocatedGb(host);
        } catch (SQLException e) {
            LOG.warn("Backend {}: cannot count allocated capacity: {}", host, e.getMessage());
        }
        Object pools = stats.get("pools");
        if (pools instanceof List<?> list) {
            List<Object> completed = new ArrayList<>();
            for (Object p : list) {
                @SuppressWarnings("unchecked")
                Map<String, Object> pool = new LinkedHashMap<>((Map<String, Object>) p);
                pool.put("allocated_capacity_gb", allocated);
                pool.putIfAbsent("cacheable", true);
                completed.add(pool);
            }
            stats.put("pools", completed);
        }
        stats.putIfAbsent("filter_function", null);
        stats.putIfAbsent("goodness_function", null);
        last.set(stats);
        return stats;
    }

    /** One report to the scheduler; a broker problem is logged, the next report tries again. */
    public void publish() {
        Map<String, Object> caps = refresh();
        String timestamp = LocalDateTime.now(clock).format(TIMESTAMP);
        MessageContext admin = MessageContext.admin();
        Map<String, Object> fanout = new LinkedHashMap<>();
        fanout.put("service_name", "volume");
        fanout.put("host", host);
        fanout.put("capabilities", caps);
        fanout.put("cluster_name", clusterName);
        fanout.put("timestamp", timestamp);
        Map<String, Object> cast = new LinkedHashMap<>();
        cast.put("service_name", "volume");
        cast.put("capabilities", caps);
        cast.put("backend", clusterName != null ? clusterName : host);
        cast.put("timestamp", timestamp);
        try {
            schedulerFanout.cast(admin, "update_service_capabilities", fanout);
            schedulerCast.cast(admin, "notify_service_capabilities", cast);
            LOG.debug("Reported capabilities of {} to the scheduler", host);
        } catch (MessagingException e) {
            LOG.error("Cannot report capabilities of {} to the scheduler: {}", host, e.getMessage());
        }
    }
}
