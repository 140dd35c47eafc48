package org.ebsvolume.drivers.image;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

import com.sun.nio.file.ExtendedOpenOption;
import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a Glance image onto a volume's block device and a volume back into a Glance image: what
 * Cinder's {@code copy_image_to_volume} (image_utils.fetch_to_raw) and
 * {@code copy_volume_to_image} (image_utils.upload_volume) do once the volume is attached to
 * this host.
 *
 * <p>Image to volume: read the image record, refuse what cannot fit or is not a plain disk,
 * download into image_conversion_dir (checksum verified), ask {@code qemu-img info} what the data
 * really is, refuse backing files, data files, unsafe VMDKs and a format other than the one
 * Glance claims, then {@code qemu-img convert -O raw} onto the device. The downloaded file is
 * deleted whatever happens.
 *
 * <p>Volume to image: raw images are streamed straight from the device; other formats are
 * converted into image_conversion_dir first ({@code qemu-img convert -f raw}, so the volume's
 * content is never "probed" for a format) and uploaded from there.
 *
 * <p>The token is handed to Glance and to nothing else.
 */
public final class ImageCopier {

    private static final Logger LOG = LoggerFactory.getLogger(ImageCopier.class);

    /** Every binary this class runs: the {@link CommandRunner}'s allow-list must contain them all. */
    public static final Set<String> REQUIRED_BINARIES = Set.of(QemuImg.BINARY);

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;
    /** S_IFMT and S_IFBLK from stat(2). */
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private final ImageTransferSettings settings;
    private final GlanceImageService glance;
    private final QemuImg qemuImg;

    /**
     * @param runner runs qemu-img; its allow-list must hold {@link #REQUIRED_BINARIES}, and its
     *               root helper (if any) must let qemu-img open the volume's device
     */
    public ImageCopier(ImageTransferSettings settings, CommandExecutor runner) {
        this(settings, new GlanceImageService(settings), runner);
    }

    public ImageCopier(ImageTransferSettings settings, GlanceImageService glance, CommandExecutor runner) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.glance = Objects.requireNonNull(glance, "glance");
        this.qemuImg = new QemuImg(runner, settings.qemuImgInfoTimeout(), settings.qemuImgConvertTimeout());
    }

    public GlanceImageService glance() {
        return glance;
    }

    // ------------------------------------------------------------------------------------------
    // image -> volume

    /**
     * Writes image {@code imageId} onto the volume at {@code devicePath}, converted to raw.
     *
     * @param token        the caller's token (the request context's auth_token); null under noauth
     * @param devicePath   the attached volume: a block device (or, in tests, a file); must exist
     * @param volumeSizeGb the volume's size in GiB (Cinder's GB)
     * @return the image's Glance record (what Cinder stores as the volume's glance metadata)
     * @throws ImageTransferException ImageNotFound, ImageNotAuthorized, GlanceConnectionFailed,
     *                                InvalidInput (not active, too big), ImageUnacceptable,
     *                                ImageTooBig (conversion dir full), ImageDownloadFailed,
     *                                ImageCopyFailure (qemu-img convert failed)
     */
    public GlanceImage copyImageToVolume(String imageId, String token, Path devicePath, int volumeSizeGb)
            throws ImageTransferException {
        String id = GlanceImageService.requireImageId(imageId);
        Objects.requireNonNull(devicePath, "devicePath");
        if (volumeSizeGb <= 0) {
            throw ImageTransferException.invalidInput(id, "volume size must be at least 1GB, not " + volumeSizeGb);
        }
        if (!Files.exists(devicePath)) {
            // qemu-img would create a regular file in its place (in /dev, a tmpfs) and "succeed".
            throw ImageTransferException.copyFailure(id, "volume device " + devicePath + " does not exist", "", null);
        }
        LOG.info("copy image {} to volume device {} ({}GB)", id, devicePath, volumeSizeGb);

        GlanceImage image = glance.show(id, token);
        checkImageFitsVolume(image, volumeSizeGb);
        checkContainerFormat(image);
        ensureConversionDir(id);
        checkAvailableSpace(image);

        Path download = createTempFile(id, "image_download_" + id + "_");
        try {
            glance.download(image, token, download);
            QemuImageInfo info = inspectDownloadedImage(id, download);
            checkDownloadedImage(image, info, volumeSizeGb);
            writeToVolume(id, download, info, devicePath);
        } finally {
            deleteQuietly(download);
        }
        LOG.info("copied image {} to volume device {}", id, devicePath);
        return image;
    }

    /**
     * cinder/volume/volume_utils.py check_image_metadata (the API and the create flow run it
     * before any data moves): the image is active, its data and its min_disk fit, and so does its
     * virtual size when Glance knows it.
     */
    private static void checkImageFitsVolume(GlanceImage image, int volumeSizeGb) throws ImageTransferException {
        if (!image.isActive()) {
            throw ImageTransferException.invalidInput(image.id(), "Image " + image.id() + " is not active.");
        }
        long sizeGb = (image.size().orElse(0) + GIB - 1) / GIB;
        if (sizeGb > volumeSizeGb) {
            throw ImageTransferException.invalidInput(image.id(), "Size of specified image " + sizeGb
                    + "GB is larger than volume size " + volumeSizeGb + "GB.");
        }
        if (volumeSizeGb < image.minDisk()) {
            throw ImageTransferException.invalidInput(image.id(), "Volume size " + volumeSizeGb
                    + "GB cannot be smaller than the image minDisk size " + image.minDisk() + "GB.");
        }
        if (image.virtualSize().isPresent()) {
            checkVirtualSize(image.id(), image.virtualSize().getAsLong(), volumeSizeGb);
        }
    }

    /** image_utils.check_virtual_size. */
    private static void checkVirtualSize(String imageId, long virtualSizeBytes, int volumeSizeGb)
            throws ImageTransferException {
        long virtualGb = (virtualSizeBytes + GIB - 1) / GIB;
        if (virtualGb > volumeSizeGb) {
            throw ImageTransferException.unacceptable(imageId, "Image virtual size is " + virtualGb
                    + "GB and doesn't fit in a volume of size " + volumeSizeGb + "GB.");
        }
    }

    private static void checkContainerFormat(GlanceImage image) throws ImageTransferException {
        String container = image.containerFormat();
        if (container.equals("compressed")) {
            // Cinder's default allow_compression_on_image_upload = False gives this very message.
            throw ImageTransferException.unacceptable(image.id(),
                    "Image compression disallowed, but container_format is compressed.");
        }
        if (!container.isEmpty() && !ImageFormats.ACCEPTED_CONTAINER_FORMATS.contains(container)) {
            throw ImageTransferException.unacceptable(image.id(), "container_format " + container
                    + " is not supported: only " + ImageFormats.ACCEPTED_CONTAINER_FORMATS
                    + " images (the data is the disk itself) can be written to a volume.");
        }
    }

    /** image_utils.check_available_space, run by the create flow before it downloads. */
    private void checkAvailableSpace(GlanceImage image) throws ImageTransferException {
        long needed = image.size().orElse(0);
        long free;
        try {
            free = Files.getFileStore(settings.conversionDir()).getUsableSpace();
        } catch (IOException e) {
            throw ImageTransferException.copyFailure(image.id(), "cannot read the free space of image_conversion_dir "
                    + settings.conversionDir() + ": " + e.getMessage(), "", e);
        }
        if (free <= needed) {
            throw ImageTransferException.tooBig(image.id(), "There is no space on " + settings.conversionDir()
                    + " to convert image. Requested: " + needed + ", available: " + free + ".", null);
        }
    }

    private QemuImageInfo inspectDownloadedImage(String imageId, Path download) throws ImageTransferException {
        try {
            // No -f: qemu-img must tell what the data is, not be told what Glance says it is.
            return qemuImg.info(download, null);
        } catch (QemuImg.QemuImgException e) {
            // Cinder: the format inspector's safety check fails with Invalid, qemu-img info with
            // a ProcessExecutionError; either way the image cannot be used.
            throw ImageTransferException.unacceptable(imageId, "qemu-img cannot read the image data ("
                    + e.getMessage() + ")", e.context());
        }
    }

    /**
     * fetch_to_volume_format's checks after the download, in its order: virtual size, backing
     * file, then convert_image's check_image_format: the format Glance claims, VMDK create-type,
     * qcow2 data file.
     */
    private void checkDownloadedImage(GlanceImage image, QemuImageInfo info, int volumeSizeGb)
            throws ImageTransferException {
        String id = image.id();
        checkVirtualSize(id, info.virtualSize(), volumeSizeGb);
        if (info.backingFile().isPresent()) {
            throw ImageTransferException.unacceptable(id, "fmt=" + info.format() + " backed by:"
                    + info.backingFile().get());
        }
        String claimed = ImageFormats.qemuFormat(image.diskFormat());
        // qemu-img has no "ami" format: such images are raw or qcow2, so what qemu-img saw stands.
        if (!claimed.equals("ami") && !claimed.equals(info.format())) {
            LOG.debug("rejecting image {}: disk_format '{}' but qemu-img info reports '{}'", id, claimed,
                    info.format());
            throw ImageTransferException.unacceptable(id, "The image format was claimed to be '" + claimed
                    + "' but the image data appears to be in a different format.");
        }
        if (info.format().equals("vmdk")) {
            checkVmdk(id, info);
        }
        if (info.format().equals("qcow2")) {
            if (!info.hasFormatSpecific()) {
                throw ImageTransferException.unacceptable(id, "Cannot determine format-specific information");
            }
            if (info.dataFile().isPresent()) {
                LOG.warn("refusing to process qcow2 image {} with data-file '{}'", id, info.dataFile().get());
                throw ImageTransferException.unacceptable(id, "A qcow2 format image is not allowed to have a data file");
            }
        }
    }

    /** image_utils.check_vmdk_image: only create-types whose extents live inside the file. */
    private void checkVmdk(String id, QemuImageInfo info) throws ImageTransferException {
        if (settings.vmdkAllowedTypes().isEmpty()) {
            throw ImageTransferException.unacceptable(id, "Image is a VMDK, but no VMDK createType is allowed");
        }
        if (info.vmdkCreateType().isEmpty()) {
            throw ImageTransferException.unacceptable(id, "Unable to determine VMDK createType");
        }
        if (!settings.vmdkAllowedTypes().contains(info.vmdkCreateType().get())) {
            LOG.warn("refusing to process VMDK image {} with createType '{}', not in {}", id,
                    info.vmdkCreateType().get(), settings.vmdkAllowedTypes());
            throw ImageTransferException.unacceptable(id, "Invalid VMDK create-type specified");
        }
    }

    /**
     * {@code qemu-img convert -O raw [-t none] -f FORMAT DOWNLOAD DEVICE}, as Cinder's
     * _convert_image builds it.
     *
     * <p>{@code -t none} (O_DIRECT) only when the target is a block device that accepts O_DIRECT
     * (Cinder checks with {@code dd count=0 oflag=direct}, we open it with O_DIRECT): all data is
     * then on the device when qemu-img exits, before the volume is detached (Launchpad #1363016).
     * A regular file is left to qemu-img's own flush, which is faster there.
     *
     * <p>No {@code -S 0}, as in Cinder: qemu-img's default skips writing runs of zeros only where
     * the target is known to read back zeros (a file it has just created). A block device is not
     * known to, so qemu-img zeroes those runs explicitly and an LV's old content never shows through.
     */
    private void writeToVolume(String id, Path download, QemuImageInfo info, Path devicePath)
            throws ImageTransferException {
        boolean directIo = isBlockDevice(devicePath) && acceptsDirectIo(devicePath);
        LOG.info("image {} is {} ({} bytes virtual), converting to raw onto {}{}", id, info.format(),
                info.virtualSize(), devicePath, directIo ? " with O_DIRECT" : "");
        long started = System.nanoTime();
        try {
            qemuImg.convert(download, info.format(), devicePath, "raw", directIo, false);
        } catch (QemuImg.QemuImgException e) {
            // The create flow turns qemu-img's ProcessExecutionError into ImageCopyFailure(stderr).
            throw ImageTransferException.copyFailure(id, e.stderr().isEmpty() ? e.getMessage() : e.stderr(),
                    e.context(), e);
        }
        logConverted(info.virtualSize(), started);
    }

    // ------------------------------------------------------------------------------------------
    // volume -> image

    /**
     * Uploads the volume at {@code devicePath} into the queued Glance image {@code imageId} as
     * {@code diskFormat}.
     *
     * @param diskFormat raw, qcow2, vmdk, vdi, vhd, vhdx or ploop (Cinder's upload-to-image choices);
     *                   must agree with the image's disk_format in Glance when that is set
     * @return the image's Glance record after the upload (active, with size and checksums)
     * @throws ImageTransferException ImageNotFound, GlanceConnectionFailed, ImageUnacceptable,
     *                                InvalidInput, ImageLimitExceeded, VolumeBackendAPIException
     *                                (qemu-img or Glance failed)
     */
    public GlanceImage copyVolumeToImage(String imageId, String token, Path devicePath, String diskFormat)
            throws ImageTransferException {
        String id = GlanceImageService.requireImageId(imageId);
        Objects.requireNonNull(devicePath, "devicePath");
        if (diskFormat == null || !ImageFormats.UPLOAD_DISK_FORMATS.contains(diskFormat)) {
            throw ImageTransferException.invalidInput(id, "disk_format " + diskFormat + " is not one of "
                    + ImageFormats.UPLOAD_DISK_FORMATS);
        }
        if (!Files.exists(devicePath)) {
            throw ImageTransferException.backend(id, "volume device " + devicePath + " does not exist", "", null);
        }
        LOG.info("copy volume device {} to image {} as {}", devicePath, id, diskFormat);

        GlanceImage image = glance.show(id, token);
        if (!image.diskFormat().isEmpty() && !image.diskFormat().equals(diskFormat)) {
            throw ImageTransferException.unacceptable(id, "the image's disk_format is " + image.diskFormat()
                    + ", but the volume was to be uploaded as " + diskFormat);
        }
        if (image.containerFormat().equals("compressed")) {
            throw ImageTransferException.unacceptable(id, "Image compression upload disallowed, but container_format"
                    + " is compressed");
        }

        String format = ImageFormats.qemuFormat(diskFormat);
        if (format.equals("raw")) {
            // Nothing to convert: Glance gets the device's bytes as they are.
            glance.upload(id, token, devicePath, rawSize(id, devicePath));
        } else {
            uploadConverted(id, token, devicePath, format);
        }
        GlanceImage uploaded = glance.show(id, token);
        LOG.info("copied volume device {} to image {} ({}, status {})", devicePath, id, diskFormat, uploaded.status());
        return uploaded;
    }

    private void uploadConverted(String id, String token, Path devicePath, String format)
            throws ImageTransferException {
        ensureConversionDir(id);
        Path converted = createTempFile(id, "vol_upload_");
        try {
            boolean compress = settings.compressQcow2OnUpload() && format.equals("qcow2");
            LOG.info("converting volume device {} to {} for image {}{}", devicePath, format, id,
                    compress ? " (compressed)" : "");
            long started = System.nanoTime();
            try {
                // -f raw: a volume is raw whatever its first bytes look like. (Cinder lets qemu-img
                // probe and then refuses a backing file; naming the format closes that door.)
                qemuImg.convert(devicePath, "raw", converted, format, false, compress);
            } catch (QemuImg.QemuImgException e) {
                throw ImageTransferException.backend(id, "converting the volume to " + format + " failed: "
                        + (e.stderr().isEmpty() ? e.getMessage() : e.stderr()), e.context(), e);
            }
            QemuImageInfo info;
            try {
                info = qemuImg.info(converted, null);
            } catch (QemuImg.QemuImgException e) {
                throw ImageTransferException.backend(id, "cannot inspect the converted image: " + e.getMessage(),
                        e.context(), e);
            }
            if (!info.format().equals(format)) {
                throw ImageTransferException.unacceptable(id, "Converted to " + format + ", but format is now "
                        + info.format());
            }
            logConverted(info.virtualSize(), started);
            long size;
            try {
                size = Files.size(converted);
            } catch (IOException e) {
                throw ImageTransferException.backend(id, "cannot read the converted image's size: " + e.getMessage(),
                        converted.toString(), e);
            }
            glance.upload(id, token, converted, size);
        } finally {
            deleteQuietly(converted);
        }
    }

    /** A device's size is not its file size (0 for a block device): ask qemu-img, told it is raw. */
    private long rawSize(String id, Path devicePath) throws ImageTransferException {
        try {
            return qemuImg.info(devicePath, "raw").virtualSize();
        } catch (QemuImg.QemuImgException e) {
            throw ImageTransferException.backend(id, "cannot read the size of volume device " + devicePath + ": "
                    + e.getMessage(), e.context(), e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // files

    private void ensureConversionDir(String id) throws ImageTransferException {
        try {
            Files.createDirectories(settings.conversionDir());
        } catch (IOException e) {
            throw ImageTransferException.copyFailure(id, "cannot create image_conversion_dir "
                    + settings.conversionDir() + ": " + e.getMessage(), "", e);
        }
    }

    private Path createTempFile(String id, String prefix) throws ImageTransferException {
        try {
            return Files.createTempFile(settings.conversionDir(), prefix, "");
        } catch (IOException e) {
            throw ImageTransferException.copyFailure(id, "cannot create a temporary file in image_conversion_dir "
                    + settings.conversionDir() + ": " + e.getMessage(), "", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete temporary image file {}: {}", file, e.getMessage());
        }
    }

    static boolean isBlockDevice(Path path) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode");
            return (mode & S_IFMT) == S_IFBLK;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Cinder's check_for_odirect_support, without dd: can the device be opened with O_DIRECT? */
    private static boolean acceptsDirectIo(Path device) {
        try (FileChannel ignored = FileChannel.open(device, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("{} does not take O_DIRECT ({}); converting without -t none", device, e.getMessage());
            return false;
        }
    }

    private static void logConverted(long bytes, long startedNanos) {
        double seconds = Math.max((System.nanoTime() - startedNanos) / 1e9, 0.001);
        double mib = bytes / (double) MIB;
        LOG.info("Converted {} MiB image at {} MiB/s ({} s)", String.format(Locale.ROOT, "%.2f", mib),
                String.format(Locale.ROOT, "%.2f", mib / seconds), String.format(Locale.ROOT, "%.2f", seconds));
    }
}
