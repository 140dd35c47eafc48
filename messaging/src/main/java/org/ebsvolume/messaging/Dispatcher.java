package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.impl.RpcVersion;
import org.ebsvolume.messaging.wire.PythonJson;

import java.util.List;
import java.util.Objects;

/** oslo's {@code RPCDispatcher.dispatch}, including its two errors and their exact wording. */
final class Dispatcher {

    private final List<Endpoint> endpoints;

    Dispatcher(List<Endpoint> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("an RPC server needs at least one endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
    }

    Object dispatch(IncomingRequest request) throws Exception {
        boolean foundCompatible = false;
        for (Endpoint endpoint : endpoints) {
            if (!Objects.equals(endpoint.namespace(), request.namespace())
                    || !RpcVersion.isCompatible(endpoint.version(), request.version())) {
                continue;
            }
            // DefaultRPCAccessPolicy: private names are never dispatched.
            RpcMethod method = request.method().startsWith("_") ? null : endpoint.methods().get(request.method());
            if (method != null) {
                return method.invoke(request.context(), request.args());
            }
            foundCompatible = true;
        }
        if (foundCompatible) {
            throw new DispatcherError("NoSuchMethod", "Endpoint does not support RPC method " + request.method());
        }
        throw new DispatcherError("UnsupportedVersion", "Endpoint does not support RPC version " + request.version()
                + ". Attempted method: " + request.method());
    }

    /** NoSuchMethod / UnsupportedVersion, sent under oslo's own module so callers see the same class. */
    static final class DispatcherError extends ExposedException {
        private static final long serialVersionUID = 1L;

        DispatcherError(String className, String message) {
            super(RemoteFailure.DISPATCHER_MODULE, className, message, null);
        }

        RemoteFailure toFailure() {
            ObjectNode none = PythonJson.MAPPER.createObjectNode();
            return RemoteFailure.dispatcherError(pythonClass(), getMessage(), none);
        }
    }
}
