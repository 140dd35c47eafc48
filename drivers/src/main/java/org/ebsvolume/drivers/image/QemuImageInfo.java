package org.ebsvolume.drivers.image;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What {@code qemu-img info --output=json} says about an image file: the facts Cinder's
 * image_utils checks before it lets qemu-img convert an untrusted image onto a volume.
 *
 * @param format             the format qemu-img detected or was told ("qcow2", "raw", "vmdk", "vpc", ...)
 * @param virtualSize        bytes of the disk once converted to raw
 * @param backingFile        {@code backing-filename}: a qcow2/vmdk/... whose unallocated blocks
 *                           come from another file. From Glance this is an attack (the file named
 *                           is on this host), so it is refused.
 * @param dataFile           qcow2 {@code data-file}: the guest data lives in another file; same danger
 * @param vmdkCreateType     VMDK {@code create-type}; some kinds name extent files on this host
 * @param hasFormatSpecific  whether qemu-img gave format-specific data at all (Cinder refuses a
 *                           qcow2 without it: it could not check for a data file)
 */
public record QemuImageInfo(
        String format,
        long virtualSize,
        Optional<String> backingFile,
        Optional<String> dataFile,
        Optional<String> vmdkCreateType,
        boolean hasFormatSpecific) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public QemuImageInfo {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(backingFile, "backingFile");
        Objects.requireNonNull(dataFile, "dataFile");
        Objects.requireNonNull(vmdkCreateType, "vmdkCreateType");
    }

    /**
     * Parses qemu-img's JSON.
     *
     * @throws IOException not JSON, or no format / virtual-size in it
     */
    static QemuImageInfo parse(String json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (root == null || !root.isObject()) {
            throw new IOException("qemu-img info did not print a JSON object");
        }
        JsonNode format = root.get("format");
        JsonNode virtualSize = root.get("virtual-size");
        if (format == null || !format.isTextual() || format.asText().isEmpty()) {
            throw new IOException("qemu-img info printed no format");
        }
        if (virtualSize == null || !virtualSize.canConvertToLong()) {
            throw new IOException("qemu-img info printed no virtual-size");
        }
        JsonNode specific = root.path("format-specific").path("data");
        return new QemuImageInfo(format.asText(), virtualSize.asLong(), text(root, "backing-filename"),
                text(specific, "data-file"), text(specific, "create-type"), specific.isObject());
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode n = node.get(field);
        return n == null || n.isNull() || n.asText().isEmpty() ? Optional.empty() : Optional.of(n.asText());
    }
}
