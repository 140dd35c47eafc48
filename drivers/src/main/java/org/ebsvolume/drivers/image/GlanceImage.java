package org.ebsvolume.drivers.image;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An image as Glance v2 describes it ({@code GET /v2/images/{id}}): the fields Cinder looks at
 * when it copies an image to a volume and back, and records in the volume's glance metadata.
 *
 * @param id              the image id (a UUID)
 * @param name            its name, may be empty
 * @param status          queued, saving, active, killed, deleted, pending_delete, deactivated, ...
 * @param diskFormat      ami, ari, aki, vhd, vhdx, vmdk, raw, qcow2, vdi, iso, ploop; empty when unset
 * @param containerFormat bare, ovf, ova, ami, aki, ari, docker, compressed; empty when unset
 * @param size            bytes stored in Glance (the file as uploaded), when known
 * @param virtualSize     the disk's size once converted to raw, when Glance computed it
 * @param minDisk         GB the image needs at least
 * @param minRam          MB of RAM the image needs at least
 * @param checksum        MD5 of the data (legacy), when known
 * @param osHashAlgo      the "multihash" algorithm (sha512 by default), when known
 * @param osHashValue     its hex digest of the data, when known
 */
public record GlanceImage(
        String id,
        String name,
        String status,
        String diskFormat,
        String containerFormat,
        OptionalLong size,
        OptionalLong virtualSize,
        long minDisk,
        long minRam,
        Optional<String> checksum,
        Optional<String> osHashAlgo,
        Optional<String> osHashValue) {

    public GlanceImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(diskFormat, "diskFormat");
        Objects.requireNonNull(containerFormat, "containerFormat");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(virtualSize, "virtualSize");
        Objects.requireNonNull(checksum, "checksum");
        Objects.requireNonNull(osHashAlgo, "osHashAlgo");
        Objects.requireNonNull(osHashValue, "osHashValue");
    }

    public boolean isActive() {
        return "active".equals(status);
    }

    /** Reads Glance's JSON; absent and null fields become empty values. */
    static GlanceImage fromJson(JsonNode json) {
        return new GlanceImage(text(json, "id"), text(json, "name"), text(json, "status"), text(json, "disk_format"),
                text(json, "container_format"), number(json, "size"), number(json, "virtual_size"),
                number(json, "min_disk").orElse(0), number(json, "min_ram").orElse(0), optionalText(json, "checksum"),
                optionalText(json, "os_hash_algo"), optionalText(json, "os_hash_value"));
    }

    private static String text(JsonNode json, String field) {
        return optionalText(json, field).orElse("");
    }

    private static Optional<String> optionalText(JsonNode json, String field) {
        JsonNode n = json.get(field);
        return n == null || n.isNull() ? Optional.empty() : Optional.of(n.asText());
    }

    private static OptionalLong number(JsonNode json, String field) {
        JsonNode n = json.get(field);
        return n == null || !n.canConvertToLong() ? OptionalLong.empty() : OptionalLong.of(n.asLong());
    }
}
