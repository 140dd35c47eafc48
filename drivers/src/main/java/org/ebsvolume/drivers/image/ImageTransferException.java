package org.ebsvolume.drivers.image;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

/**
 * An image could not be copied to or from a volume. {@link #getMessage()} is the text of the
 * Cinder exception named by {@link #cinderError()} (what the API user ends up seeing, e.g.
 * "Image 1b2c... is unacceptable: fmt=qcow2 backed by:base.img"); {@link #context()} adds what an
 * operator needs to find the cause: the Glance URL, HTTP status and body excerpt, or the qemu-img
 * command and its stderr.
 *
 * <p>Never holds the caller's token: Glance-provided text is redacted before it gets here and
 * request headers are never copied in.
 */
public final class ImageTransferException extends DriverException {
    private static final long serialVersionUID = 1L;

    private final String imageId;
    private final String context;

    private ImageTransferException(CinderError cinderError, String message, String imageId, String context, Throwable cause) {
        super(cinderError, message, cause);
        this.imageId = imageId;
        this.context = context == null ? "" : context;
    }

    /** The image concerned (as given by the caller, possibly not a valid id). */
    public String imageId() {
        return imageId;
    }

    /**
     * Where it went wrong, for the log: e.g. {@code GET http://10.0.2.2:9292/v2/images/<id> -> 404:
     * <body excerpt>} or {@code qemu-img convert -O raw -f qcow2 /var/lib/cinder/conversion/...
     * /dev/vg/volume-x (exit 1): <stderr>}. Empty when the message says it all.
     */
    public String context() {
        return context;
    }

    /** The message with its context, for a log line. */
    public String describe() {
        return context.isEmpty() ? getMessage() : getMessage() + " [" + context + "]";
    }

    // ------------------------------------------------------------------------------------------
    // One factory per Cinder exception, with Cinder's message template (cinder/exception.py).

    static ImageTransferException notFound(String imageId, String context) {
        return new ImageTransferException(CinderError.IMAGE_NOT_FOUND, "Image " + imageId + " could not be found.", imageId,
                context, null);
    }

    static ImageTransferException notAuthorized(String imageId, String context) {
        return new ImageTransferException(CinderError.IMAGE_NOT_AUTHORIZED, "Not authorized for image " + imageId + ".", imageId,
                context, null);
    }

    static ImageTransferException unacceptable(String imageId, String reason) {
        return unacceptable(imageId, reason, "");
    }

    static ImageTransferException unacceptable(String imageId, String reason, String context) {
        return new ImageTransferException(CinderError.IMAGE_UNACCEPTABLE, "Image " + imageId + " is unacceptable: " + reason,
                imageId, context, null);
    }

    static ImageTransferException copyFailure(String imageId, String reason, String context, Throwable cause) {
        return new ImageTransferException(CinderError.IMAGE_COPY_FAILURE, "Failed to copy image to volume: " + reason, imageId,
                context, cause);
    }

    static ImageTransferException downloadFailed(String imageId, String reason, String context, Throwable cause) {
        return new ImageTransferException(CinderError.IMAGE_DOWNLOAD_FAILED,
                "Failed to download image " + imageId + ", reason: " + reason, imageId, context, cause);
    }

    static ImageTransferException tooBig(String imageId, String reason, Throwable cause) {
        return new ImageTransferException(CinderError.IMAGE_TOO_BIG,
                "Image " + imageId + " size exceeded available disk space: " + reason, imageId, "", cause);
    }

    static ImageTransferException limitExceeded(String imageId, String context) {
        return new ImageTransferException(CinderError.IMAGE_LIMIT_EXCEEDED, "Image quota exceeded", imageId, context, null);
    }

    static ImageTransferException connectionFailed(String imageId, String reason, Throwable cause) {
        return new ImageTransferException(CinderError.GLANCE_CONNECTION_FAILED, "Connection to glance failed: " + reason, imageId,
                "", cause);
    }

    static ImageTransferException invalidImageRef(String imageRef) {
        return new ImageTransferException(CinderError.INVALID_IMAGE_REF, "Invalid image href " + imageRef + ".", imageRef, "",
                null);
    }

    static ImageTransferException invalidInput(String imageId, String reason) {
        return new ImageTransferException(CinderError.INVALID_INPUT, "Invalid input received: " + reason, imageId, "", null);
    }

    /** A failure with no more specific Cinder class (Cinder lets such errors through as they are). */
    static ImageTransferException backend(String imageId, String reason, String context, Throwable cause) {
        return new ImageTransferException(CinderError.VOLUME_BACKEND_API_EXCEPTION,
                "Bad or unexpected response from the storage volume backend API: " + reason, imageId, context, cause);
    }
}
