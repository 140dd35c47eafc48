package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One RPC method of an endpoint. It gets the request context and the keyword arguments as sent;
 * its return value (any Jackson-serialisable object, or null) becomes the reply's {@code result}.
 * Throw {@link ExposedException} to make a Python caller raise a specific class.
 */
@FunctionalInterface
public interface RpcMethod {
    Object invoke(MessageContext context, ObjectNode args) throws Exception;
}
