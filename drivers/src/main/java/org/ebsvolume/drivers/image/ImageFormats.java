package org.ebsvolume.drivers.image;

import java.util.Map;
import java.util.Set;

/**
 * Glance's disk and container formats, and how qemu-img names the same disk formats
 * (cinder/image/image_utils.py QEMU_IMG_FORMAT_MAP).
 */
final class ImageFormats {

    private ImageFormats() {
    }

    /** Glance disk_format -> qemu-img format, where they differ. */
    private static final Map<String, String> GLANCE_TO_QEMU = Map.of("iso", "raw", "vhd", "vpc", "ploop", "parallels");
    private static final Map<String, String> QEMU_TO_GLANCE = Map.of("vpc", "vhd", "parallels", "ploop");

    /**
     * The disk formats a volume can be uploaded as: Cinder's API schema for os-volume_upload_image
     * (cinder/api/schemas/volume_actions.py).
     */
    static final Set<String> UPLOAD_DISK_FORMATS = Set.of("raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop");

    /**
     * Container formats whose data is the disk itself. Cinder also writes "compressed" images
     * (gzip, only with allow_compression_on_image_upload) and XenServer vhd-in-ovf tarballs; this
     * service does neither and refuses them rather than writing a tarball or a gzip stream onto
     * a volume. "ami" is a bare disk (raw or qcow2) that EC2 tooling labels as such.
     */
    static final Set<String> ACCEPTED_CONTAINER_FORMATS = Set.of("bare", "ami");

    /** The qemu-img format for a Glance disk_format (Cinder's fixup_disk_format). */
    static String qemuFormat(String glanceDiskFormat) {
        return GLANCE_TO_QEMU.getOrDefault(glanceDiskFormat, glanceDiskFormat);
    }

    /** The Glance name of a qemu-img format (Cinder's from_qemu_img_disk_format). */
    static String glanceFormat(String qemuFormat) {
        return QEMU_TO_GLANCE.getOrDefault(qemuFormat, qemuFormat);
    }
}
