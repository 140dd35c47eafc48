package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.MessageContext;
import org.ebsvolume.messaging.wire.PythonJson;
import org.ebsvolume.worker.db.ResourceTables;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The rest of the service level (cinder-volume-rpc 3.5): capabilities, log levels, manageable lists, backup devices. */
final class ServiceCalls {

    private final String backendName;
    private final ResourceTables tables;
    private final Supplier<Map<String, Object>> capabilities;

    ServiceCalls(String backendName, ResourceTables tables, Supplier<Map<String, Object>> capabilities) {
        this.backendName = backendName;
        this.tables = tables;
        this.capabilities = capabilities;
    }

    Object getCapabilities(MessageContext ctx, ObjectNode a) {
        Map<String, Object> caps = new LinkedHashMap<>(capabilities.get());
        caps.put("properties", Capabilities.STANDARD_PROPERTIES);
        return caps;
    }

    static Object setLogLevels(MessageContext ctx, ObjectNode a) {
        VersionedObject req = VersionedObject.from(a, "log_request", "LogLevel");
        try {
            LogLevels.set(req.text("prefix"), req.text("level"));
        } catch (IllegalArgumentException e) {
            throw CinderErrors.invalidInput(e.getMessage());
        }
        return null;
    }

    static Object getLogLevels(MessageContext ctx, ObjectNode a) {
        VersionedObject req = VersionedObject.from(a, "log_request", "LogLevel");
        ArrayNode objects = PythonJson.MAPPER.createArrayNode();
        LogLevels.get(req.text("prefix")).forEach((name, level) -> {
            ObjectNode d = PythonJson.MAPPER.createObjectNode();
            d.put("prefix", name);
            d.put("level", level);
            objects.add(VersionedObject.primitive("LogLevel", d));
        });
        ObjectNode list = PythonJson.MAPPER.createObjectNode();
        list.set("objects", objects);
        return VersionedObject.primitive("LogLevelList", list);
    }

    static Object manageableList(ObjectNode a, String listName) {
        if (a.path("want_objects").asBoolean(false)) {
            ObjectNode list = PythonJson.MAPPER.createObjectNode();
            list.putArray("objects");
            return VersionedObject.primitive(listName, list);
        }
        return List.of();
    }

    Object getBackupDevice(MessageContext ctx, ObjectNode a) throws Exception {
        String backupId = VersionedObject.from(a, "backup", "Backup").id();
        // A backup waiting for a device it will never get would sit in 'creating' forever.
        tables.failBackup(backupId, "backend " + backendName + " cannot provide a backup device");
        throw CinderErrors.backendApi("backend " + backendName + " cannot provide a backup device");
    }
}
