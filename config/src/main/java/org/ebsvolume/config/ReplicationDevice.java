package org.ebsvolume.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code replication_device} line of a backend section: a peer this backend replicates to.
 *
 * <pre>
 * replication_device = backend_id:hci-0002,ip:10.0.0.12,port:8800,volume_group:cinder-volumes
 * </pre>
 *
 * <p>Read like Cinder reads it (a MultiOpt of oslo's Dict type): comma-separated
 * {@code key:value} pairs, each split at its first ':', so IPv6 addresses need no quoting.
 * {@code backend_id} is required; the other keys are optional here because Cinder's own drivers
 * (and the test harness's fake driver) need only {@code backend_id}, and the EBS driver's needs
 * are checked by the loader. Keys other than these four are kept in {@link #extra()}.
 *
 * @param backendId   the peer's identity, as used by failover (never "default", which Cinder
 *                    reserves for "the primary")
 * @param ip          the peer's replication address
 * @param port        the peer's {@code backend_port}; absent means the same as this backend's
 * @param volumeGroup the peer's volume group; absent means the same as this backend's
 * @param extra       any other keys, as written
 */
public record ReplicationDevice(String backendId, Optional<String> ip, OptionalInt port,
                                Optional<String> volumeGroup, Map<String, String> extra) {

    /**
     * The {@link #extra} key of the secret shared with the peer: the EBS driver signs and checks
     * every replication call with it (HMAC-SHA256), and refuses a device without one.
     */
    public static final String SECRET_KEY = "secret";
    /** 16 characters: enough that a secret cannot be guessed from the broker's side. */
    public static final int MIN_SECRET_LENGTH = 16;

    public ReplicationDevice {
        Objects.requireNonNull(backendId, "backendId");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(volumeGroup, "volumeGroup");
        extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * The device as Cinder hands it to a driver and lists it to admins
     * ({@code list_replication_targets}): every key that was written, values as strings.
     */
    public Map<String, String> asDict() {
        Map<String, String> dict = new LinkedHashMap<>();
        dict.put("backend_id", backendId);
        ip.ifPresent(v -> dict.put("ip", v));
        port.ifPresent(v -> dict.put("port", Integer.toString(v)));
        volumeGroup.ifPresent(v -> dict.put("volume_group", v));
        dict.putAll(extra);
        return Collections.unmodifiableMap(dict);
    }

    /** The shared secret ({@value #SECRET_KEY}); never log it. */
    public Optional<String> secret() {
        return Optional.ofNullable(extra.get(SECRET_KEY));
    }

    /**
     * The known keys as written; the values of other keys are hidden, because Cinder declares
     * replication_device secret and other drivers keep passwords in it.
     */
    @Override
    public String toString() {
        List<String> pairs = new ArrayList<>();
        pairs.add("backend_id:" + backendId);
        ip.ifPresent(v -> pairs.add("ip:" + v));
        port.ifPresent(v -> pairs.add("port:" + v));
        volumeGroup.ifPresent(v -> pairs.add("volume_group:" + v));
        extra.keySet().forEach(k -> pairs.add(k + ":" + ConfigProblem.MASK));
        return String.join(",", pairs);
    }
}
