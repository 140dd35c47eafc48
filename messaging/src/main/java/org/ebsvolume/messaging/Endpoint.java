package org.ebsvolume.messaging;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A set of RPC methods under one namespace and version, like a Python endpoint object with a
 * {@code target} attribute. Dispatch follows oslo: the first endpoint whose namespace matches and
 * whose version is compatible, and that has the method, handles the message.
 */
public record Endpoint(String namespace, String version, Map<String, RpcMethod> methods) {

    public Endpoint {
        Objects.requireNonNull(version, "version");
        methods = Map.copyOf(methods);
    }

    public static Builder builder(String version) {
        return new Builder(version);
    }

    public static final class Builder {
        private final String version;
        private String namespace;
        private final Map<String, RpcMethod> methods = new LinkedHashMap<>();

        private Builder(String version) {
            org.ebsvolume.messaging.impl.RpcVersion.isCompatible(version, version); // fail fast on a bad version
            this.version = version;
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder method(String name, RpcMethod method) {
            if (name.startsWith("_")) {
                throw new IllegalArgumentException("RPC method '" + name + "' would never be callable: oslo refuses names starting with '_'");
            }
            if (methods.putIfAbsent(name, Objects.requireNonNull(method)) != null) {
                throw new IllegalArgumentException("RPC method '" + name + "' registered twice");
            }
            return this;
        }

        public Endpoint build() {
            return new Endpoint(namespace, version, methods);
        }
    }
}
