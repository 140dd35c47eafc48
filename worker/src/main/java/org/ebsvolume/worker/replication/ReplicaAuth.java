package org.ebsvolume.worker.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Authenticates the replica calls between two storage hosts over the broker. Anyone with broker
 * credentials can publish to the {@code ebs-replica} topic, so the broker is not trusted: every
 * call carries, in its {@value #AUTH_KEY} argument, the caller's {@code backend_id}, a timestamp,
 * a random nonce, and an HMAC-SHA256 over a canonical form of all of them plus the method and
 * every other argument, keyed with the secret both hosts' {@code replication_device} entries
 * for each other share. The receiver accepts a call only when
 * <ul>
 *   <li>the caller is a peer it has a secret for (its own {@code replication_device} entries),</li>
 *   <li>the signature verifies (constant-time comparison): method and arguments are as signed,</li>
 *   <li>the timestamp is within {@link #MAX_SKEW} of its own clock, and</li>
 *   <li>the nonce was not seen within that window (a captured call cannot be replayed).</li>
 * </ul>
 * Rejections are logged with the claimed caller and the reason, never with a secret.
 *
 * <p>A peer whose {@code replication_device} has no secret (the Python EBS driver's documented
 * configuration has none) is trusted like every other Cinder RPC on the broker: its calls carry
 * only the caller's name, and a signed call from it is refused, as is an unsigned call from a
 * peer this host shares a secret with: both hosts must agree.
 *
 * <p>Canonical form, UTF-8: {@code ebs-replica/1 \n method \n caller \n timestamp \n nonce \n
 * args}, where args is the JSON of the arguments without {@value #AUTH_KEY}, object keys sorted at
 * every level, no whitespace.
 */
public final class ReplicaAuth {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaAuth.class);

    public static final String AUTH_KEY = "auth";
    public static final Duration MAX_SKEW = Duration.ofMinutes(5);
    private static final String VERSION = "ebs-replica/1";
    private static final String HMAC = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String ownBackendId;
    private final Map<String, byte[]> secrets;
    /** Peers configured without a secret: their calls are not signed. */
    private final Set<String> unsignedPeers;
    private final Clock clock;
    /** nonce -> epoch second it was seen; entries older than twice the skew are dropped. */
    private final Map<String, Long> seenNonces = new HashMap<>();

    /**
     * @param ownBackendId this backend's {@code backend_id}: what it signs as
     * @param secrets      each peer's {@code backend_id} and the secret shared with it
     */
    public ReplicaAuth(String ownBackendId, Map<String, String> secrets, Clock clock) {
        this(ownBackendId, secrets, Set.of(), clock);
    }

    private ReplicaAuth(String ownBackendId, Map<String, String> secrets, Set<String> unsignedPeers, Clock clock) {
        this.ownBackendId = Objects.requireNonNull(ownBackendId, "ownBackendId");
        Map<String, byte[]> keys = new HashMap<>();
        secrets.forEach((peer, secret) -> {
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("no secret for replication peer " + peer);
            }
            keys.put(peer, secret.getBytes(StandardCharsets.UTF_8));
        });
        this.secrets = Collections.unmodifiableMap(keys);
        this.unsignedPeers = Set.copyOf(unsignedPeers);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * @param peers each peer's {@code backend_id} and the secret shared with it, or empty for a
     *              peer configured without one (its calls are not signed)
     */
    public static ReplicaAuth forPeers(String ownBackendId, Map<String, Optional<String>> peers, Clock clock) {
        Map<String, String> secrets = new HashMap<>();
        Set<String> unsigned = new HashSet<>();
        peers.forEach((peer, secret) -> secret.ifPresentOrElse(v -> secrets.put(peer, v), () -> unsigned.add(peer)));
        return new ReplicaAuth(ownBackendId, secrets, unsigned, clock);
    }

    public String ownBackendId() {
        return ownBackendId;
    }

    /** A copy of {@code args} with the {@value #AUTH_KEY} argument for a call to {@code peer}. */
    public ObjectNode sign(String peer, String method, ObjectNode args) {
        if (unsignedPeers.contains(peer)) {
            ObjectNode named = args.deepCopy();
            named.remove(AUTH_KEY);
            named.putObject(AUTH_KEY).put("caller", ownBackendId);
            return named;
        }
        byte[] key = secrets.get(peer);
        if (key == null) {
            throw new IllegalArgumentException("no secret for replication peer " + peer);
        }
        ObjectNode signed = args.deepCopy();
        signed.remove(AUTH_KEY);
        long timestamp = clock.instant().getEpochSecond();
        byte[] n = new byte[16];
        RANDOM.nextBytes(n);
        String nonce = HexFormat.of().formatHex(n);
        ObjectNode auth = signed.putObject(AUTH_KEY);
        auth.put("caller", ownBackendId);
        auth.put("timestamp", timestamp);
        auth.put("nonce", nonce);
        auth.put("signature", hmac(key, canonical(method, ownBackendId, timestamp, nonce, withoutAuth(args))));
        return signed;
    }

    /**
     * Checks an incoming call; returns the authenticated caller's {@code backend_id}.
     *
     * @throws ReplicaAuthException the call is not from a known peer, altered, stale or replayed
     */
    public String verify(String method, ObjectNode args) throws ReplicaAuthException {
        JsonNode auth = args.get(AUTH_KEY);
        String caller = auth == null ? null : auth.path("caller").asText(null);
        try {
            if (auth == null || !auth.isObject()) {
                throw new ReplicaAuthException("no '" + AUTH_KEY + "' argument");
            }
            JsonNode ts = auth.get("timestamp");
            String nonce = auth.path("nonce").asText("");
            String signature = auth.path("signature").asText("");
            if (caller != null && unsignedPeers.contains(caller)) {
                if (!signature.isEmpty()) {
                    throw new ReplicaAuthException("the call is signed, but this host's replication_device for " + caller
                            + " has no secret: configure the same secret on both hosts, or none on either");
                }
                return caller;
            }
            if (caller != null && !caller.isEmpty() && !secrets.containsKey(caller)) {
                throw new ReplicaAuthException("unknown caller: no replication_device with backend_id " + caller + " here");
            }
            if (caller != null && !caller.isEmpty() && signature.isEmpty()) {
                throw new ReplicaAuthException("the call is not signed, but this host's replication_device for " + caller
                        + " has a secret: configure the same secret on both hosts, or none on either");
            }
            if (caller == null || caller.isEmpty() || ts == null || !ts.canConvertToLong() || nonce.isEmpty() || signature.isEmpty()) {
                throw new ReplicaAuthException("incomplete '" + AUTH_KEY + "' argument (caller, timestamp, nonce, signature)");
            }
            byte[] key = secrets.get(caller);
            String expected = hmac(key, canonical(method, caller, ts.asLong(), nonce, withoutAuth(args)));
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
                throw new ReplicaAuthException("bad signature (a different secret, or the call was altered)");
            }
            long now = clock.instant().getEpochSecond();
            if (Math.abs(now - ts.asLong()) > MAX_SKEW.toSeconds()) {
                throw new ReplicaAuthException("stale timestamp " + ts.asLong() + " (" + (now - ts.asLong())
                        + " s from this host's clock; at most " + MAX_SKEW.toSeconds() + " s allowed)");
            }
            synchronized (seenNonces) {
                seenNonces.values().removeIf(seen -> now - seen > 2 * MAX_SKEW.toSeconds());
                if (seenNonces.putIfAbsent(caller + "/" + nonce, now) != null) {
                    throw new ReplicaAuthException("replayed call (nonce already seen)");
                }
            }
            return caller;
        } catch (ReplicaAuthException e) {
            LOG.warn("Replica call {} from {} rejected: {}", method, caller == null ? "(no caller)" : printable(caller), e.getMessage());
            throw e;
        }
    }

    /** The arguments without {@value #AUTH_KEY}, keys sorted at every level. */
    static ObjectNode withoutAuth(ObjectNode args) {
        ObjectNode copy = args.deepCopy();
        copy.remove(AUTH_KEY);
        return copy;
    }

    static String canonical(String method, String caller, long timestamp, String nonce, JsonNode args) {
        return VERSION + "\n" + method + "\n" + caller + "\n" + timestamp + "\n" + nonce + "\n" + sorted(args).toString();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            Iterator<String> it = node.fieldNames();
            it.forEachRemaining(names::add);
            Collections.sort(names);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String n : names) {
                out.set(n, sorted(node.get(n)));
            }
            return out;
        }
        if (node.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        return node;
    }

    private static String hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^ -~]", "?");
    }

    /** An incoming replica call failed authentication. */
    public static final class ReplicaAuthException extends Exception {
        private static final long serialVersionUID = 1L;

        public ReplicaAuthException(String message) {
            super(message);
        }
    }
}
