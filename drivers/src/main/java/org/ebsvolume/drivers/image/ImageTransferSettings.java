package org.ebsvolume.drivers.image;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How images travel between Glance and volumes.
 *
 * @param glanceApiServers       cinder.conf {@code [DEFAULT] glance_api_servers}, as base URLs
 *                               ({@code http://10.0.2.2:9292}); tried in this order, wrapping
 *                               around. Empty: every call fails with GlanceConnectionFailed
 *                               (Cinder would look Glance up in the Keystone catalog instead).
 * @param glanceNumRetries       {@code glance_num_retries}: a call is tried 1 + this many times
 *                               when Glance cannot be reached or answers 503
 * @param conversionDir          {@code image_conversion_dir}: where downloaded and converted
 *                               images are kept while they are copied; created when missing
 * @param connectTimeout         TCP connect timeout for one Glance request
 * @param requestTimeout         how long a Glance request may wait for the response headers,
 *                               and a download for its next bytes ({@code glance_request_timeout};
 *                               glanceclient's default socket timeout is 600 s). Uploads are not
 *                               bounded by it: their response comes after the last byte, however
 *                               long the volume takes to send.
 * @param retryDelay             pause between two tries (Cinder: 1 s)
 * @param qemuImgInfoTimeout     limit for {@code qemu-img info} on untrusted data (Cinder runs it
 *                               with a 60 s CPU-time limit, image_conversion_cpu_limit)
 * @param qemuImgConvertTimeout  limit for one {@code qemu-img convert} of a whole volume
 * @param compressQcow2OnUpload  {@code image_compress_on_upload}: qcow2 uploads are written with
 *                               {@code qemu-img convert -c}
 * @param vmdkAllowedTypes       {@code vmdk_allowed_types}: VMDK create-types accepted from Glance;
 *                               the others can name extents in files on this host
 */
public record ImageTransferSettings(
        List<URI> glanceApiServers,
        int glanceNumRetries,
        Path conversionDir,
        Duration connectTimeout,
        Duration requestTimeout,
        Duration retryDelay,
        Duration qemuImgInfoTimeout,
        Duration qemuImgConvertTimeout,
        boolean compressQcow2OnUpload,
        List<String> vmdkAllowedTypes) {

    /** Cinder's defaults for what cinder.conf does not say. */
    public static final int DEFAULT_GLANCE_NUM_RETRIES = 3;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(600);
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_QEMU_IMG_INFO_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_QEMU_IMG_CONVERT_TIMEOUT = Duration.ofHours(6);
    public static final List<String> DEFAULT_VMDK_ALLOWED_TYPES = List.of("streamOptimized", "monolithicSparse");

    public ImageTransferSettings {
        glanceApiServers = List.copyOf(glanceApiServers);
        for (URI server : glanceApiServers) {
            if (!"http".equals(server.getScheme()) && !"https".equals(server.getScheme()) || server.getHost() == null) {
                throw new IllegalArgumentException("a glance API server is an http(s)://host[:port] URL, not '"
                        + server + "'");
            }
        }
        if (glanceNumRetries < 0) {
            throw new IllegalArgumentException("glance_num_retries must be >= 0, not " + glanceNumRetries);
        }
        Objects.requireNonNull(conversionDir, "conversionDir");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryDelay, "retryDelay");
        if (retryDelay.isNegative()) {
            throw new IllegalArgumentException("retryDelay must not be negative");
        }
        requirePositive(qemuImgInfoTimeout, "qemuImgInfoTimeout");
        requirePositive(qemuImgConvertTimeout, "qemuImgConvertTimeout");
        vmdkAllowedTypes = List.copyOf(vmdkAllowedTypes);
    }

    /**
     * Settings from the three cinder.conf options, Cinder's defaults for the rest.
     *
     * @param glanceApiServers entries as cinder.conf writes them: {@code [http[s]://]host:port[/path]};
     *                         without a scheme, http is meant (cinder/image/glance.py)
     * @throws IllegalArgumentException an entry that is not a URL
     */
    public static ImageTransferSettings of(List<String> glanceApiServers, int glanceNumRetries, Path conversionDir) {
        return new ImageTransferSettings(parseServers(glanceApiServers), glanceNumRetries, conversionDir,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_RETRY_DELAY, DEFAULT_QEMU_IMG_INFO_TIMEOUT,
                DEFAULT_QEMU_IMG_CONVERT_TIMEOUT, true, DEFAULT_VMDK_ALLOWED_TYPES);
    }

    public ImageTransferSettings withRetryDelay(Duration delay) {
        return new ImageTransferSettings(glanceApiServers, glanceNumRetries, conversionDir, connectTimeout,
                requestTimeout, delay, qemuImgInfoTimeout, qemuImgConvertTimeout, compressQcow2OnUpload,
                vmdkAllowedTypes);
    }

    public ImageTransferSettings withTimeouts(Duration connect, Duration request) {
        return new ImageTransferSettings(glanceApiServers, glanceNumRetries, conversionDir, connect, request,
                retryDelay, qemuImgInfoTimeout, qemuImgConvertTimeout, compressQcow2OnUpload, vmdkAllowedTypes);
    }

    static List<URI> parseServers(List<String> servers) {
        List<URI> uris = new ArrayList<>();
        for (String raw : servers) {
            String s = raw.strip();
            if (s.isEmpty()) {
                continue;
            }
            if (!s.contains("//")) {
                s = "http://" + s;
            }
            while (s.endsWith("/")) {
                s = s.substring(0, s.length() - 1);
            }
            try {
                uris.add(new URI(s));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("glance_api_servers entry '" + raw + "' is not a URL: "
                        + e.getMessage(), e);
            }
        }
        return uris;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, not " + d);
        }
    }
}
