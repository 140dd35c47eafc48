package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.MessageContext;

import java.util.ArrayList;
import java.util.List;

/** The keyword arguments and context values of a call, as the RPC methods read them. */
final class RpcArguments {

    private RpcArguments() {
    }

    static String textArg(ObjectNode a, String name) {
        JsonNode n = a.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    static String uuidArg(ObjectNode a, String name) {
        String v = textArg(a, name);
        if (!Ids.isUuid(v)) {
            throw CinderErrors.invalidInput("argument '" + name + "' is not a UUID: " + v);
        }
        return v;
    }

    static List<String> stringList(ObjectNode a, String name) {
        List<String> out = new ArrayList<>();
        a.path(name).forEach(n -> out.add(n.asText()));
        return out;
    }

    static String project(MessageContext ctx) {
        return ctx.text("project_id");
    }
}
