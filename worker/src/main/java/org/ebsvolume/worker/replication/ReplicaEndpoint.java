package org.ebsvolume.worker.replication;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.replication.ReplicaHost;
import org.ebsvolume.drivers.replication.ReplicaRequest;
import org.ebsvolume.messaging.Endpoint;
import org.ebsvolume.messaging.ExposedException;
import org.ebsvolume.messaging.Target;
import org.ebsvolume.messaging.wire.PythonJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Objects;

/**
 * The backup's RPC server for replica calls: topic {@value #TOPIC}, server = its own
 * {@code backend_id}. Each call is authenticated ({@link ReplicaAuth}) before anything else is
 * read, then handed to {@link ReplicaHost}. Failures reach the caller as
 * {@code ebsvolume.replication.<Class>} with a message; an authentication failure says only that
 * (the details are in the backup's log).
 */
public final class ReplicaEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaEndpoint.class);

    public static final String TOPIC = "ebs-replica";
    public static final String VERSION = "1.0";
    static final String MODULE = "ebsvolume.replication";
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final ReplicaAuth auth;
    private final ReplicaHost host;
    private final Map<String, String> peerAddresses;
    private volatile IdentityHandover handover;

    /**
     * The identity hand-over between the two hosts of a pair (Cinder's failover_host and
     * failback): the worker sets it once its backends run; until then such calls are refused.
     */
    public interface IdentityHandover {
        /** The caller (a primary) hands its identity {@code serviceHost} to this host. @return volumes promoted */
        int takeOver(String caller, String serviceHost) throws DriverException;

        /** The caller (this host's backup) hands this host's own identity back. @return volumes promoted */
        int resume(String caller, String serviceHost) throws DriverException;
    }

    public void setIdentityHandover(IdentityHandover handover) {
        this.handover = handover;
    }

    /** @param peerAddresses each peer's {@code backend_id} and its replication address (its {@code replication_device} ip) */
    public ReplicaEndpoint(ReplicaAuth auth, ReplicaHost host, Map<String, String> peerAddresses) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.host = Objects.requireNonNull(host, "host");
        this.peerAddresses = Map.copyOf(peerAddresses);
    }

    /** Where this backend's replica server listens. */
    public static Target target(String backendId) {
        return Target.topic(TOPIC).withServer(backendId);
    }

    public Endpoint endpoint() {
        return Endpoint.builder(VERSION)
                .method("replica_state", (ctx, a) -> handle("replica_state", a, (caller, args) ->
                        host.state(text(args, "resource")).toMap()))
                .method("replica_prepare", (ctx, a) -> handle("replica_prepare", a, (caller, args) ->
                        host.prepare(ReplicaRequest.fromArgs(args), peerAddresses.get(caller)).toMap()))
                .method("replica_resize", (ctx, a) -> handle("replica_resize", a, (caller, args) -> {
                    host.resize(text(args, "resource"), (int) number(args, "size_gb"));
                    return Map.of("resized", true);
                }))
                .method("replica_remove", (ctx, a) -> handle("replica_remove", a, (caller, args) -> {
                    host.remove(text(args, "resource"));
                    return Map.of("removed", true);
                }))
                .method("replica_snapshot", (ctx, a) -> handle("replica_snapshot", a, (caller, args) -> {
                    host.snapshot(text(args, "resource"), text(args, "snapshot_id"));
                    return Map.of("snapshot", true);
                }))
                .method("replica_snapshot_remove", (ctx, a) -> handle("replica_snapshot_remove", a, (caller, args) -> {
                    host.removeSnapshot(text(args, "snapshot_id"));
                    return Map.of("removed", true);
                }))
                .method("replica_take_over", (ctx, a) -> handle("replica_take_over", a, (caller, args) ->
                        Map.of("promoted", handover().takeOver(caller, text(args, "service_host")))))
                .method("replica_resume", (ctx, a) -> handle("replica_resume", a, (caller, args) ->
                        Map.of("promoted", handover().resume(caller, text(args, "service_host")))))
                .build();
    }

    private IdentityHandover handover() {
        IdentityHandover h = handover;
        if (h == null) {
            throw new IllegalArgumentException("this worker is still starting; identity hand-overs are not served yet");
        }
        return h;
    }

    private interface Call {
        Object run(String caller, Map<String, Object> args) throws DriverException;
    }

    private Object handle(String method, ObjectNode raw, Call call) {
        String caller;
        try {
            caller = auth.verify(method, raw);
        } catch (ReplicaAuth.ReplicaAuthException e) {
            throw new ExposedException(MODULE, "ReplicaAuthenticationFailed", "replica call " + method
                    + " refused: not authenticated (see the backup's log)", Map.of());
        }
        Map<String, Object> args = PythonJson.MAPPER.convertValue(ReplicaAuth.withoutAuth(raw), MAP);
        Object volume = args.get("volume_id");
        try {
            LOG.info("Replica call {} from {} for volume {} ({})", method, caller, volume, args.get("resource"));
            return call.run(caller, args);
        } catch (IllegalArgumentException e) {
            LOG.warn("Replica call {} from {} for volume {} refused: {}", method, caller, volume, e.getMessage());
            throw new ExposedException(MODULE, "ReplicaInvalidRequest", e.getMessage(), Map.of());
        } catch (DriverException e) {
            LOG.error("Replica call {} from {} for volume {} failed: {}", method, caller, volume, e.getMessage());
            throw new ExposedException(MODULE, "ReplicaFailed", e.getMessage(), Map.of());
        }
    }

    private static String text(Map<String, Object> a, String key) {
        Object v = a.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("argument '" + key + "' is missing or not a string");
        }
        return s;
    }

    private static long number(Map<String, Object> a, String key) {
        Object v = a.get(key);
        if (!(v instanceof Number n) || v instanceof Double || v instanceof Float) {
            throw new IllegalArgumentException("argument '" + key + "' is missing or not an integer");
        }
        return n.longValue();
    }
}
