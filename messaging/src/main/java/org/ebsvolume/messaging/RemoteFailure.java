package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.ebsvolume.messaging.wire.PythonJson;

/**
 * An exception as oslo serialises it into a reply's {@code failure} field
 * ({@code common.serialize_remote_exception}): a JSON string of class, module, message,
 * traceback lines, args and kwargs.
 */
public record RemoteFailure(String className, String module, String message, List<String> traceback,
                            ArrayNode args, ObjectNode kwargs) {

    public RemoteFailure {
        traceback = List.copyOf(traceback);
    }

    /** Oslo's own dispatcher errors, raised under these names by every Python RPC server. */
    static final String DISPATCHER_MODULE = "oslo_messaging.rpc.dispatcher";

    /**
     * What a Python caller should see for a Java exception. {@link ExposedException} names its
     * class; other exceptions become the nearest builtin so that the caller can always rebuild
     * them (builtins are importable everywhere; anything else would degrade to RemoteError).
     */
    static RemoteFailure of(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
        String module;
        String className;
        ObjectNode kwargs;
        if (t instanceof ExposedException exposed) {
            module = exposed.pythonModule();
            className = exposed.pythonClass();
            kwargs = exposed.kwargs();
        } else {
            module = "builtins";
            className = builtinFor(t);
            kwargs = PythonJson.MAPPER.createObjectNode();
        }
        ArrayNode args = PythonJson.MAPPER.createArrayNode().add(message);
        return new RemoteFailure(className, module, message, pythonStyleTraceback(t, className, message), args, kwargs);
    }

    static RemoteFailure dispatcherError(String className, String message, ObjectNode kwargs) {
        ArrayNode args = PythonJson.MAPPER.createArrayNode().add(message);
        List<String> tb = List.of("Traceback (most recent call last):\n",
                "  File \"ebs-volume\", in dispatch\n",
                DISPATCHER_MODULE + "." + className + ": " + message + "\n");
        return new RemoteFailure(className, DISPATCHER_MODULE, message, tb, args, kwargs);
    }

    private static String builtinFor(Throwable t) {
        if (t instanceof IllegalArgumentException) {
            return "ValueError";
        }
        if (t instanceof UnsupportedOperationException) {
            return "NotImplementedError";
        }
        if (t instanceof java.util.concurrent.TimeoutException) {
            return "TimeoutError";
        }
        if (t instanceof IllegalStateException || t instanceof RuntimeException) {
            return "RuntimeError";
        }
        return "Exception";
    }

    /** Java frames laid out like Python's {@code traceback.format_exception}, one string per frame. */
    private static List<String> pythonStyleTraceback(Throwable t, String className, String message) {
        List<String> lines = new ArrayList<>();
        lines.add("Traceback (most recent call last):\n");
        StackTraceElement[] frames = t.getStackTrace();
        int shown = Math.min(frames.length, 20);
        for (int i = shown - 1; i >= 0; i--) {
            StackTraceElement f = frames[i];
            lines.add("  File \"" + (f.getFileName() == null ? f.getClassName() : f.getFileName())
                    + "\", line " + Math.max(f.getLineNumber(), 0) + ", in " + f.getClassName() + "." + f.getMethodName() + "\n");
        }
        lines.add(className + ": " + message + "\n");
        return lines;
    }

    /** The JSON string that goes into the reply's {@code failure} field. */
    String toWireString() {
        ObjectNode data = PythonJson.MAPPER.createObjectNode();
        data.put("class", className);
        data.put("module", module);
        data.put("message", message);
        ArrayNode tb = data.putArray("tb");
        traceback.forEach(tb::add);
        data.set("args", args);
        data.set("kwargs", kwargs);
        return PythonJson.dumps(data);
    }

    /** Parses a {@code failure} field; tolerant like oslo's deserializer, which uses {@code .get()}. */
    static RemoteFailure fromWireString(String failure) {
        JsonNode data;
        try {
            data = PythonJson.loads(failure);
        } catch (IOException e) {
            return new RemoteFailure("RemoteError", "oslo_messaging", "undecodable failure: " + failure, List.of(),
                    PythonJson.MAPPER.createArrayNode(), PythonJson.MAPPER.createObjectNode());
        }
        List<String> tb = new ArrayList<>();
        data.path("tb").forEach(line -> tb.add(line.asText()));
        JsonNode args = data.get("args");
        JsonNode kwargs = data.get("kwargs");
        return new RemoteFailure(
                data.path("class").asText("RemoteError"),
                data.path("module").asText(""),
                data.path("message").asText(""),
                tb,
                args instanceof ArrayNode a ? a : PythonJson.MAPPER.createArrayNode(),
                kwargs instanceof ObjectNode k ? k : PythonJson.MAPPER.createObjectNode());
    }
}
