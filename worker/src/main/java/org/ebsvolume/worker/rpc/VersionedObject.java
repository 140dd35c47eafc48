package org.ebsvolume.worker.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.ExposedException;
import org.ebsvolume.messaging.wire.PythonJson;

import java.util.List;
import java.util.Map;

/**
 * An oslo.versionedobjects primitive ({@code versioned_object.name/namespace/version/data/changes}),
 * checked the way {@code obj_from_primitive} checks it: namespace {@code cinder}, a class this
 * service knows, and a version no newer than it implements.
 */
public record VersionedObject(String name, String version, ObjectNode data, List<String> changes) {

    /** The object versions of Cinder 21 (OBJ_VERSIONS '1.39') this service reads and writes. */
    static final Map<String, String> KNOWN = Map.ofEntries(
            Map.entry("Volume", "1.9"), Map.entry("Snapshot", "1.6"), Map.entry("Service", "1.6"),
            Map.entry("VolumeAttachment", "1.3"), Map.entry("VolumeAttachmentList", "1.1"),
            Map.entry("VolumeType", "1.3"), Map.entry("Backup", "1.7"), Map.entry("BackupDeviceInfo", "1.0"),
            Map.entry("Group", "1.2"), Map.entry("GroupSnapshot", "1.0"), Map.entry("Cluster", "1.1"),
            Map.entry("RequestSpec", "1.5"), Map.entry("VolumeProperties", "1.1"), Map.entry("CleanupRequest", "1.0"),
            Map.entry("LogLevel", "1.0"), Map.entry("LogLevelList", "1.0"), Map.entry("ManageableVolume", "1.0"),
            Map.entry("ManageableVolumeList", "1.0"), Map.entry("ManageableSnapshot", "1.0"),
            Map.entry("ManageableSnapshotList", "1.0"), Map.entry("QualityOfServiceSpecs", "1.0"),
            Map.entry("SnapshotList", "1.0"), Map.entry("VolumeList", "1.1"), Map.entry("ConsistencyGroup", "1.4"),
            Map.entry("CGSnapshot", "1.1"), Map.entry("GroupType", "1.0"));

    /**
     * Reads argument {@code arg} of a request as object {@code expectedName}.
     *
     * @throws ExposedException the failures oslo.versionedobjects raises on the Python side
     */
    static VersionedObject from(ObjectNode args, String arg, String expectedName) {
        JsonNode p = args.get(arg);
        if (p == null || !p.isObject() || !p.has("versioned_object.name")) {
            throw CinderErrors.invalidInput("argument '" + arg + "' must be a " + expectedName + " object");
        }
        String ns = p.path("versioned_object.namespace").asText();
        if (!"cinder".equals(ns)) {
            throw new ExposedException("oslo_versionedobjects.exception", "UnsupportedObjectError",
                    "Unsupported object type " + p.path("versioned_object.name").asText(), Map.of());
        }
        String name = p.path("versioned_object.name").asText();
        if (!name.equals(expectedName)) {
            throw CinderErrors.invalidInput("argument '" + arg + "' is a " + name + ", expected a " + expectedName);
        }
        String version = p.path("versioned_object.version").asText();
        String mine = KNOWN.get(name);
        if (mine == null || !compatible(mine, version)) {
            throw new ExposedException("oslo_versionedobjects.exception", "IncompatibleObjectVersion",
                    "Version " + version + " of " + name + " is not supported, supported version is " + mine,
                    Map.of("objname", name, "objver", version, "supported", String.valueOf(mine)));
        }
        JsonNode data = p.get("versioned_object.data");
        if (data == null || !data.isObject()) {
            throw CinderErrors.invalidInput("argument '" + arg + "' has no object data");
        }
        List<String> changes = new java.util.ArrayList<>();
        p.path("versioned_object.changes").forEach(c -> changes.add(c.asText()));
        return new VersionedObject(name, version, (ObjectNode) data, changes);
    }

    /** Same major, and a minor no newer than ours; a third part is ignored as oslo retries x.y. */
    private static boolean compatible(String mine, String theirs) {
        String[] m = mine.split("\\.");
        String[] t = theirs.split("\\.");
        try {
            return t.length >= 2 && Integer.parseInt(m[0]) == Integer.parseInt(t[0])
                    && Integer.parseInt(t[1]) <= Integer.parseInt(m[1]);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    String text(String field) {
        JsonNode n = data.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    /** The object's id, checked to be a UUID before it reaches SQL or a storage name. */
    String id() {
        String id = text("id");
        if (id == null || !Ids.isUuid(id)) {
            throw CinderErrors.invalidInput(name + " id '" + id + "' is not a UUID");
        }
        return id;
    }

    /** Builds a primitive as the Python service sends it (every field listed as changed). */
    static ObjectNode primitive(String name, ObjectNode data) {
        ObjectNode o = PythonJson.MAPPER.createObjectNode();
        o.put("versioned_object.name", name);
        o.put("versioned_object.namespace", "cinder");
        o.put("versioned_object.version", KNOWN.get(name));
        o.set("versioned_object.data", data);
        ArrayNode changes = o.putArray("versioned_object.changes");
        data.fieldNames().forEachRemaining(changes::add);
        return o;
    }
}
