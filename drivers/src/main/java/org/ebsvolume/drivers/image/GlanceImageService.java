package org.ebsvolume.drivers.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ebsvolume.drivers.time.Pause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Glance v2 client for what cinder-volume does with images: read an image's record, download
 * its data (checksum verified as python-glanceclient verifies it) and upload a volume's data
 * into a queued image. Plain {@link HttpClient}, HTTP/1.1.
 *
 * <p>Every request goes to the configured servers in turn and is tried 1 + glance_num_retries
 * times when Glance cannot be reached or answers 503, as cinder/image/glance.py's
 * GlanceClientWrapper.call does (Cinder shuffles the servers first; here they are tried in the
 * configured order, which makes "which Glance did this go to" answerable from the config).
 *
 * <p>The caller's token is sent as {@code X-Auth-Token} and nowhere else: it is never logged, and
 * text that Glance sends back is scrubbed of it before it reaches a log line or an exception.
 */
public final class GlanceImageService {

    private static final Logger LOG = LoggerFactory.getLogger(GlanceImageService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int BODY_EXCERPT = 300;
    private static final int BUFFER = 1 << 20;

    /** hashlib names (Glance's os_hash_algo) to Java's MessageDigest names. */
    private static final Map<String, String> HASH_ALGORITHMS = Map.of("md5", "MD5", "sha1", "SHA-1",
            "sha224", "SHA-224", "sha256", "SHA-256", "sha384", "SHA-384", "sha512", "SHA-512",
            "sha3_256", "SHA3-256", "sha3_384", "SHA3-384", "sha3_512", "SHA3-512");

    private final ImageTransferSettings settings;
    private final HttpClient http;
    private final Pause pause;

    public GlanceImageService(ImageTransferSettings settings) {
        this(settings, Pause.SLEEP);
    }

    /** @param pause how the waits between retries are spent (tests record them) */
    public GlanceImageService(ImageTransferSettings settings, Pause pause) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Refuses anything but a UUID before it goes into a URL or a file name.
     *
     * @throws ImageTransferException InvalidImageRef
     */
    public static String requireImageId(String imageId) throws ImageTransferException {
        if (imageId == null || !UUID.matcher(imageId).matches()) {
            throw ImageTransferException.invalidImageRef(String.valueOf(imageId));
        }
        return imageId.toLowerCase(Locale.ROOT);
    }

    /**
     * {@code GET /v2/images/{id}}.
     *
     * @param token the caller's Keystone token; null or blank under noauth
     * @throws ImageTransferException ImageNotFound, ImageNotAuthorized, GlanceConnectionFailed, ...
     */
    public GlanceImage show(String imageId, String token) throws ImageTransferException {
        String id = requireImageId(imageId);
        Call<InputStream> call = send(id, token, Operation.SHOW, "/v2/images/" + id,
                b -> b.GET().header("Accept", "application/json").timeout(settings.requestTimeout()));
        String body;
        try (InputStream in = call.response.body()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ImageTransferException.downloadFailed(id, "cannot read the image record: " + e.getMessage(),
                    call.describe(), e);
        }
        try {
            JsonNode json = JSON.readTree(body);
            if (json == null || !json.isObject()) {
                throw new IOException("not a JSON object");
            }
            return GlanceImage.fromJson(json);
        } catch (IOException e) {
            throw ImageTransferException.downloadFailed(id, "Glance's image record is not JSON",
                    call.describe() + ": " + excerpt(body, token), e);
        }
    }

    /**
     * {@code GET /v2/images/{id}/file} into {@code target} (created or truncated), verified against
     * the image's os_hash_value (os_hash_algo), else its MD5 checksum, else the Content-MD5
     * header, else not at all: python-glanceclient's order.
     *
     * @param image the record from {@link #show}: the checksums to verify against
     * @return the number of bytes written
     * @throws ImageTransferException ImageDownloadFailed (no data, read error, checksum mismatch),
     *                                ImageTooBig (the conversion directory is full), ...
     */
    public long download(GlanceImage image, String token, Path target) throws ImageTransferException {
        String id = requireImageId(image.id());
        Call<InputStream> call = send(id, token, Operation.DOWNLOAD, "/v2/images/" + id + "/file",
                b -> b.GET().header("Accept", "application/octet-stream").timeout(settings.requestTimeout()));
        HttpResponse<InputStream> response = call.response;
        if (response.statusCode() == 204) {
            closeQuietly(response.body());
            throw ImageTransferException.downloadFailed(id, "image contains no data.", call.describe(), null);
        }
        Verifier verifier = Verifier.forImage(id, image, response.headers().firstValue("Content-MD5"));
        long expected = response.headers().firstValueAsLong("Content-Length").orElse(image.size().orElse(-1));
        TransferProgress progress = new TransferProgress(LOG, "image " + id + " download from " + call.server, expected);
        byte[] buffer = new byte[BUFFER];
        StallGuard stallGuard = new StallGuard(settings.requestTimeout(), response.body());
        try (stallGuard; InputStream in = response.body();
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            while (true) {
                int n = -1;
                stallGuard.reading(true);
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    // When stalled, the guard closed the body under this read: reported just below.
                    if (!stallGuard.stalled()) {
                        throw ImageTransferException.downloadFailed(id, "IOError: reading from Glance: "
                                + e.getMessage(), call.describe() + " after " + progress.bytes() + " bytes", e);
                    }
                } finally {
                    stallGuard.reading(false);
                }
                if (stallGuard.stalled()) {
                    throw ImageTransferException.downloadFailed(id, "IOError: reading from Glance: no data for "
                            + settings.requestTimeout().toSeconds() + " s", call.describe() + " after "
                            + progress.bytes() + " bytes", null);
                }
                if (n < 0) {
                    break;
                }
                try {
                    out.write(buffer, 0, n);
                } catch (IOException e) {
                    throw writeFailure(id, target, e);
                }
                verifier.update(buffer, n);
                progress.advance(n);
            }
        } catch (IOException e) {
            // Only the closes get here: a failed flush of the last bytes is a failed write.
            throw writeFailure(id, target, e);
        }
        verifier.check(call.describe());
        progress.finish();
        return progress.bytes();
    }

    /**
     * {@code PUT /v2/images/{id}/file} with the bytes of {@code source} (a file or a block
     * device), streamed, {@code Content-Type: application/octet-stream}. The image must be queued.
     *
     * @param size the number of bytes to send (a block device's size is not its file size)
     * @throws ImageTransferException ImageNotFound, ImageLimitExceeded, GlanceConnectionFailed,
     *                                VolumeBackendAPIException (Glance refused otherwise, e.g. 409
     *                                for an image that is not queued)
     */
    public void upload(String imageId, String token, Path source, long size) throws ImageTransferException {
        String id = requireImageId(imageId);
        // A supplier: every try (after a connection failure) re-reads the source from its start.
        Supplier<InputStream> data = () -> {
            try {
                TransferProgress progress = new TransferProgress(LOG, "image " + id + " upload", size);
                return new ProgressInputStream(Files.newInputStream(source), progress, size);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        if (!Files.isReadable(source)) {
            throw ImageTransferException.backend(id, "cannot read " + source + " to upload it", "", null);
        }
        // No request timeout: Glance answers after the last byte, however long that takes.
        Call<InputStream> call = send(id, token, Operation.UPLOAD, "/v2/images/" + id + "/file",
                b -> b.PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(data),
                        size)).header("Content-Type", "application/octet-stream"));
        closeQuietly(call.response.body());
    }

    // ------------------------------------------------------------------------------------------
    // requests, retries, errors

    /** What a request was for: decides which Cinder exception an unexpected answer becomes. */
    private enum Operation {
        SHOW("get"), DOWNLOAD("data"), UPLOAD("upload");

        /** glanceclient's method name, as Cinder's log lines name the call. */
        final String method;

        Operation(String method) {
            this.method = method;
        }
    }

    /** A request that got a 2xx answer, and where it went. */
    private record Call<T>(String method, URI uri, String server, HttpResponse<T> response) {
        String describe() {
            return method + " " + uri + " -> " + response.statusCode();
        }
    }

    private interface RequestShape {
        HttpRequest.Builder apply(HttpRequest.Builder builder);
    }

    /**
     * Sends the request to each server in turn until one answers, 1 + glance_num_retries tries
     * in all, and turns a non-2xx answer into the Cinder exception glance.py would raise.
     */
    private Call<InputStream> send(String imageId, String token, Operation op, String path, RequestShape shape)
            throws ImageTransferException {
        List<URI> servers = settings.glanceApiServers();
        if (servers.isEmpty()) {
            throw ImageTransferException.connectionFailed(imageId,
                    "glance_api_servers is not set in cinder.conf, so there is no Glance to talk to", null);
        }
        int attempts = 1 + settings.glanceNumRetries();
        String lastFailure = "";
        Exception lastCause = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            URI server = servers.get((attempt - 1) % servers.size());
            URI uri = URI.create(server + path);
            HttpRequest.Builder builder = shape.apply(HttpRequest.newBuilder(uri))
                    .header("User-Agent", "ebs-volume");
            if (token != null && !token.isBlank()) {
                builder.header("X-Auth-Token", token);
            }
            HttpRequest request = builder.build();
            String method = request.method();
            long started = System.nanoTime();
            HttpResponse<InputStream> response;
            try {
                response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                lastCause = e;
                String why = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                lastFailure = "Error contacting glance server '" + server + "' for '" + op.method + "': "
                        + redact(why, token);
                retryOrGiveUp(imageId, attempt, attempts, lastFailure);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ImageTransferException.connectionFailed(imageId, "interrupted while calling " + server, e);
            }
            long millis = (System.nanoTime() - started) / 1_000_000;
            int status = response.statusCode();
            LOG.debug("{} {} -> {} in {} ms", method, uri, status, millis);
            if (status / 100 == 2) {
                return new Call<>(method, uri, server.toString(), response);
            }
            String body = readExcerpt(response.body(), token);
            String context = method + " " + uri + " -> " + status + (body.isEmpty() ? "" : ": " + body);
            if (status == 503) {
                lastFailure = "Error contacting glance server '" + server + "' for '" + op.method
                        + "': 503 Service Unavailable";
                lastCause = null;
                retryOrGiveUp(imageId, attempt, attempts, lastFailure);
                continue;
            }
            throw errorFor(imageId, op, status, context);
        }
        LOG.error("{}, done trying after {} attempts", lastFailure, attempts);
        throw ImageTransferException.connectionFailed(imageId, lastFailure + " (gave up after " + attempts
                + " attempts)", lastCause);
    }

    private void retryOrGiveUp(String imageId, int attempt, int attempts, String failure)
            throws ImageTransferException {
        if (attempt == attempts) {
            return;
        }
        LOG.warn("{}, retrying (attempt {} of {})", failure, attempt, attempts);
        try {
            pause.sleep(settings.retryDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ImageTransferException.connectionFailed(imageId, failure + "; interrupted before retrying", e);
        }
    }

    /** cinder/image/glance.py _translate_image_exception, plus HTTPOverLimit from call(). */
    private static ImageTransferException errorFor(String imageId, Operation op, int status, String context) {
        return switch (status) {
            case 401, 403 -> ImageTransferException.notAuthorized(imageId, context);
            case 404 -> ImageTransferException.notFound(imageId, context);
            case 413 -> ImageTransferException.limitExceeded(imageId, context);
            case 400 -> ImageTransferException.invalidInput(imageId, "Glance refused the request: " + context);
            default -> op == Operation.UPLOAD
                    ? ImageTransferException.backend(imageId, "Glance refused the upload of image " + imageId
                            + " with HTTP " + status, context, null)
                    : ImageTransferException.downloadFailed(imageId, "Glance answered HTTP " + status, context, null);
        };
    }

    private static ImageTransferException writeFailure(String imageId, Path target, IOException e) {
        String why = String.valueOf(e.getMessage());
        if (why.contains("No space left")) {
            // Cinder's fetch(): ENOSPC while writing the download is ImageTooBig.
            return ImageTransferException.tooBig(imageId, "No space left in image_conversion_dir path ("
                    + target.getParent() + ") while fetching image " + imageId + ".", e);
        }
        return ImageTransferException.downloadFailed(imageId, "IOError: writing " + target + ": " + why, "", e);
    }

    private static String readExcerpt(InputStream body, String token) {
        try (InputStream in = body) {
            byte[] head = in.readNBytes(4 * BODY_EXCERPT);
            return excerpt(new String(head, StandardCharsets.UTF_8), token);
        } catch (IOException e) {
            return "(body unreadable: " + e.getMessage() + ")";
        }
    }

    /** Glance's error text, one line, short, without the token. */
    static String excerpt(String text, String token) {
        String flat = redact(text, token).replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        return flat.length() <= BODY_EXCERPT ? flat : flat.substring(0, BODY_EXCERPT) + "...";
    }

    static String redact(String text, String token) {
        if (text == null || token == null || token.isBlank()) {
            return text;
        }
        return text.replace(token, "***");
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // The answer is already known; a failed close of its body changes nothing.
        }
    }

    // ------------------------------------------------------------------------------------------
    // checksums

    /** The one digest glanceclient would check, and what it must come to. */
    private static final class Verifier {
        private final String imageId;
        private final MessageDigest digest;
        private final String algorithm;
        private final String expected;

        private Verifier(String imageId, MessageDigest digest, String algorithm, String expected) {
            this.imageId = imageId;
            this.digest = digest;
            this.algorithm = algorithm;
            this.expected = expected;
        }

        static Verifier forImage(String imageId, GlanceImage image, Optional<String> contentMd5)
                throws ImageTransferException {
            if (image.osHashValue().isPresent()) {
                String algo = image.osHashAlgo().orElse("sha512");
                String javaName = HASH_ALGORITHMS.get(algo.toLowerCase(Locale.ROOT));
                if (javaName == null) {
                    // glanceclient raises too (allow_md5_fallback is off in Cinder's call).
                    throw ImageTransferException.downloadFailed(imageId, "unsupported hash type " + algo, "", null);
                }
                return new Verifier(imageId, newDigest(javaName), algo, image.osHashValue().get());
            }
            Optional<String> md5 = image.checksum().or(() -> contentMd5);
            return md5.map(sum -> new Verifier(imageId, newDigest("MD5"), "md5", sum))
                    .orElseGet(() -> new Verifier(imageId, null, "none", null));
        }

        private static MessageDigest newDigest(String name) {
            try {
                return MessageDigest.getInstance(name);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no " + name, e);
            }
        }

        void update(byte[] bytes, int n) {
            if (digest != null) {
                digest.update(bytes, 0, n);
            }
        }

        void check(String context) throws ImageTransferException {
            if (digest == null) {
                LOG.warn("image {}: Glance gave no checksum; the download is not verified", imageId);
                return;
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!actual.equalsIgnoreCase(expected)) {
                throw ImageTransferException.downloadFailed(imageId, "IOError: Corrupt image download. "
                        + ("md5".equals(algorithm) ? "Checksum" : "Hash") + " was " + actual + " expected " + expected,
                        context, null);
            }
            LOG.debug("image {}: {} verified", imageId, algorithm);
        }
    }

    /**
     * glanceclient's socket timeout for a download's body: {@link HttpClient} has no read timeout,
     * so a Glance that stops sending mid-image would leave the volume "downloading" for ever.
     * While open, a timer closes the response body once one read() has waited longer than
     * {@code limit}; the blocked read() then fails. (Interrupting the reader does not wake it.)
     */
    private static final class StallGuard implements AutoCloseable {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "glance-download-stall-guard");
            t.setDaemon(true);
            return t;
        });

        private final long limitNanos;
        private final InputStream body;
        private final ScheduledFuture<?> check;
        private boolean reading;
        private long readStarted;
        private volatile boolean stalled;

        StallGuard(Duration limit, InputStream body) {
            this.limitNanos = limit.toNanos();
            this.body = body;
            long period = Math.max(50, Math.min(limit.toMillis() / 4, 5_000));
            this.check = TIMER.scheduleAtFixedRate(this::checkStalled, period, period, TimeUnit.MILLISECONDS);
        }

        private synchronized void checkStalled() {
            if (reading && !stalled && System.nanoTime() - readStarted > limitNanos) {
                stalled = true;
                closeQuietly(body);
            }
        }

        synchronized void reading(boolean now) {
            reading = now;
            readStarted = System.nanoTime();
        }

        /** Once true, the download has failed (a read waited too long), whatever the read returned. */
        boolean stalled() {
            return stalled;
        }

        @Override
        public void close() {
            check.cancel(false);
        }
    }

    /** Reports bytes read to a {@link TransferProgress}; closes it with the finishing line at EOF. */
    private static final class ProgressInputStream extends FilterInputStream {
        private final TransferProgress progress;
        private final long size;
        private boolean finished;

        ProgressInputStream(InputStream in, TransferProgress progress, long size) {
            super(in);
            this.progress = progress;
            this.size = size;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count(b < 0 ? -1 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count(n);
            return n;
        }

        private void count(int n) {
            if (n > 0) {
                progress.advance(n);
            }
            if (!finished && (n < 0 || progress.bytes() >= size)) {
                finished = true;
                progress.finish();
            }
        }
    }
}
