package org.ebsvolume.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.wire.PythonJson;

import java.util.Map;

/**
 * Thrown by an endpoint to make a Python caller raise a named exception class, e.g.
 * {@code cinder.exception.VolumeNotFound}. oslo rebuilds it on the caller's side as
 * {@code klass(*args, **kwargs)} with {@code args = [message]}, so {@code kwargs} must hold the
 * class's format arguments (Cinder's carry {@code code} too).
 */
public class ExposedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String pythonModule;
    private final String pythonClass;
    private final transient ObjectNode kwargs;

    public ExposedException(String pythonModule, String pythonClass, String message, Map<String, ?> kwargs) {
        this(pythonModule, pythonClass, message, kwargs, null);
    }

    public ExposedException(String pythonModule, String pythonClass, String message, Map<String, ?> kwargs, Throwable cause) {
        super(message, cause);
        this.pythonModule = pythonModule;
        this.pythonClass = pythonClass;
        this.kwargs = kwargs == null ? PythonJson.MAPPER.createObjectNode() : PythonJson.MAPPER.valueToTree(kwargs);
    }

    public String pythonModule() {
        return pythonModule;
    }

    public String pythonClass() {
        return pythonClass;
    }

    public ObjectNode kwargs() {
        return kwargs.deepCopy();
    }
}
