package org.ebsvolume.worker.replication;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.drivers.replication.ReplicaFacts;
import org.ebsvolume.drivers.replication.ReplicaPeer;
import org.ebsvolume.drivers.replication.ReplicaPeerException;
import org.ebsvolume.drivers.replication.ReplicaRequest;
import org.ebsvolume.drivers.replication.ReplicaSide;
import org.ebsvolume.drivers.time.Pause;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.MessagingException;
import org.ebsvolume.messaging.MessagingTimeoutException;
import org.ebsvolume.messaging.RemoteException;
import org.ebsvolume.messaging.RpcClient;
import org.ebsvolume.messaging.wire.PythonJson;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The primary's {@link ReplicaPeer} over the broker: signed calls ({@link ReplicaAuth}) to the
 * backup's {@link ReplicaEndpoint} (topic {@value ReplicaEndpoint#TOPIC}, server = the backup's
 * {@code backend_id}). A backup with no consumer on that queue, or that does not answer within
 * the timeout, is unreachable.
 */
public final class ReplicaClient implements ReplicaPeer {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final String peer;
    private final ReplicaAuth auth;
    private final RpcClient client;
    private final Duration timeout;
    private final Pause pause;

    /**
     * @param client an RPC client of any target: it is narrowed to the peer's replica server
     * @param pause  how the polls for the backup's consumer wait ({@link Pause#SLEEP}; tests record them)
     */
    public ReplicaClient(String peerBackendId, ReplicaAuth auth, RpcClient client, Duration timeout, Pause pause) {
        this.peer = Objects.requireNonNull(peerBackendId, "peerBackendId");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.client = client.prepare(t -> ReplicaEndpoint.target(peerBackendId).withVersion(ReplicaEndpoint.VERSION))
                .withTimeout(timeout);
        this.timeout = timeout;
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    @Override
    public String backendId() {
        return peer;
    }

    @Override
    public ReplicaFacts state(String volumeId, String resource) throws ReplicaPeerException {
        Map<String, Object> r = call("replica_state", volume(volumeId, resource));
        return parse("replica_state", () -> ReplicaFacts.fromMap(r));
    }

    @Override
    public ReplicaSide prepare(ReplicaRequest request) throws ReplicaPeerException {
        Map<String, Object> r = call("replica_prepare", request.toArgs());
        return parse("replica_prepare", () -> ReplicaSide.fromMap(r));
    }

    @Override
    public void resize(String volumeId, String resource, int sizeGb) throws ReplicaPeerException {
        Map<String, Object> args = volume(volumeId, resource);
        args.put("size_gb", sizeGb);
        call("replica_resize", args);
    }

    @Override
    public void remove(String volumeId, String resource) throws ReplicaPeerException {
        call("replica_remove", volume(volumeId, resource));
    }

    @Override
    public void snapshot(String volumeId, String resource, String snapshotId) throws ReplicaPeerException {
        Map<String, Object> args = volume(volumeId, resource);
        args.put("snapshot_id", snapshotId);
        call("replica_snapshot", args);
    }

    @Override
    public void removeSnapshot(String volumeId, String snapshotId) throws ReplicaPeerException {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("volume_id", volumeId);
        args.put("snapshot_id", snapshotId);
        call("replica_snapshot_remove", args);
    }

    /**
     * {@code replica_take_over}: this host (the primary) hands its identity to the backup, whose
     * copies it has just made Secondary: the backup promotes them and serves the identity.
     *
     * @return how many volumes the backup promoted
     */
    public int takeOver(String serviceHost) throws ReplicaPeerException {
        Map<String, Object> r = call("replica_take_over", new LinkedHashMap<>(Map.of("service_host", serviceHost)));
        return parse("replica_take_over", () -> ((Number) r.get("promoted")).intValue());
    }

    /**
     * {@code replica_resume}: the backup that served this peer's identity hands it back (failback);
     * the peer promotes its own copies, which the backup has just made Secondary, and serves it.
     */
    public int resume(String serviceHost) throws ReplicaPeerException {
        Map<String, Object> r = call("replica_resume", new LinkedHashMap<>(Map.of("service_host", serviceHost)));
        return parse("replica_resume", () -> ((Number) r.get("promoted")).intValue());
    }

    private static Map<String, Object> volume(String volumeId, String resource) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("volume_id", volumeId);
        a.put("resource", resource);
        return a;
    }

    private Map<String, Object> call(String method, Map<String, Object> args) throws ReplicaPeerException {
        requireConsumer(method);
        ObjectNode signed = auth.sign(peer, method, PythonJson.MAPPER.valueToTree(args));
        JsonNode reply;
        try {
            reply = client.call(MessageContext.empty(), method, PythonJson.MAPPER.convertValue(signed, MAP));
        } catch (MessagingTimeoutException e) {
            throw new ReplicaPeerException(peer, method, "no answer within " + timeout.toSeconds()
                    + " s: the backup's worker is down or not serving " + ReplicaEndpoint.target(peer), e);
        } catch (RemoteException e) {
            throw new ReplicaPeerException(peer, method, e.failure().className() + ": " + e.failure().message(), e);
        } catch (MessagingException e) {
            throw new ReplicaPeerException(peer, method, e.getMessage(), e);
        }
        if (reply == null || !reply.isObject()) {
            throw new ReplicaPeerException(peer, method, "unexpected reply " + reply, null);
        }
        return PythonJson.MAPPER.convertValue(reply, MAP);
    }

    /**
     * How long a call waits for the backup's worker to consume its replica queue: a worker that
     * restarts is back within it; one that is down is reported after it, not after the call's
     * whole timeout.
     */
    static final Duration CONSUMER_WAIT = Duration.ofSeconds(30);
    private static final Duration CONSUMER_POLL = Duration.ofMillis(500);

    /**
     * A backup whose worker is not running has no consumer on its replica queue: the call could
     * only time out, after {@code timeout} with the volume in {@code creating} all along. The
     * broker is asked instead, for up to {@link #CONSUMER_WAIT}. If it cannot be asked, the call
     * itself finds out.
     */
    private void requireConsumer(String method) throws ReplicaPeerException {
        Duration wait = CONSUMER_WAIT.compareTo(timeout) < 0 ? CONSUMER_WAIT : timeout;
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            int consumers;
            try {
                consumers = client.consumers();
            } catch (MessagingException e) {
                return;
            }
            if (consumers > 0) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new ReplicaPeerException(peer, method, "the backup's worker is not running: nothing has consumed "
                        + client.target().routingKey() + " on the broker for " + wait.toSeconds() + " s", null);
            }
            try {
                pause.sleep(CONSUMER_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReplicaPeerException(peer, method, "interrupted waiting for the backup's worker", e);
            }
        }
    }

    private interface Parse<T> {
        T get();
    }

    private <T> T parse(String method, Parse<T> parse) throws ReplicaPeerException {
        try {
            return parse.get();
        } catch (RuntimeException e) {
            throw new ReplicaPeerException(peer, method, "unreadable reply: " + e.getMessage(), e);
        }
    }
}
