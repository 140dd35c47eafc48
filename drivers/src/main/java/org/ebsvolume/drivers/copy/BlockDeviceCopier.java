package org.ebsvolume.drivers.copy;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Copies and wipes block devices with {@code dd}, as Cinder's {@code volume_utils.copy_volume}
 * and {@code clear_volume} do: {@code dd if=<src> of=<dst> count=<bytes> bs=<blocksize>
 * iflag=count_bytes,direct oflag=direct [conv=sparse]}. O_DIRECT keeps a multi-GiB copy from
 * flooding the page cache of a storage node that serves other volumes; where a device cannot do
 * O_DIRECT (probed with a zero-length dd, as Cinder does) the copy ends with
 * {@code conv=fdatasync} instead, so "copied" always means "on disk".
 */
public final class BlockDeviceCopier {

    private static final Logger LOG = LoggerFactory.getLogger(BlockDeviceCopier.class);

    /** Every binary this class runs. */
    public static final Set<String> REQUIRED_BINARIES = Set.of("dd");

    /** dd's block size syntax: a number with an optional K/M/G suffix (Cinder's volume_dd_blocksize). */
    private static final Pattern BLOCK_SIZE = Pattern.compile("[1-9][0-9]{0,9}[KMG]?");
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._/+:=@-]{1,4095}");

    private final CommandExecutor runner;
    private final String blockSize;
    private final Duration timeout;

    /**
     * @param blockSize {@code volume_dd_blocksize}; an invalid value falls back to 1M with a
     *                  warning, as in Cinder
     * @param timeout   for one whole copy; a GiB at 50 MiB/s takes 20 s, so be generous
     */
    public BlockDeviceCopier(CommandExecutor runner, String blockSize, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        if (blockSize == null || !BLOCK_SIZE.matcher(blockSize).matches()) {
            LOG.warn("Incorrect value '{}' for volume_dd_blocksize, falling back to the default 1M", blockSize);
            blockSize = "1M";
        }
        this.blockSize = blockSize;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Copies the first {@code bytes} of {@code source} onto {@code destination}.
     *
     * @param sparse {@code conv=sparse}: leave zero blocks unwritten (thin destinations, which
     *               read back zeros where nothing was written)
     */
    public void copy(String source, String destination, long bytes, boolean sparse) throws DriverException {
        requirePath(source);
        requirePath(destination);
        requirePositive(bytes);
        List<String> argv = new ArrayList<>(List.of("dd", "if=" + source, "of=" + destination, "count=" + bytes, "bs=" + blockSize));
        boolean directIn = supportsDirect("if=" + source, "iflag=direct");
        boolean directOut = supportsDirect("of=" + destination, "oflag=direct");
        argv.add(directIn ? "iflag=count_bytes,direct" : "iflag=count_bytes");
        if (directOut) {
            argv.add("oflag=direct");
        }
        // notrunc: a block device cannot be truncated anyway, but a file standing in for one
        // (tests, file-backed LVs) would lose everything past the copied bytes without it.
        List<String> conv = new ArrayList<>(List.of("notrunc"));
        if (!directOut) {
            conv.add("fdatasync");
        }
        if (sparse) {
            conv.add("sparse");
        }
        argv.add("conv=" + String.join(",", conv));
        LOG.info("Copying {} MiB from {} to {}", bytes >> 20, source, destination);
        long started = System.nanoTime();
        run(argv, "copy " + source + " to " + destination);
        double seconds = Math.max((System.nanoTime() - started) / 1e9, 0.001);
        LOG.info("Copied {} MiB from {} to {} in {} s ({} MiB/s)", bytes >> 20, source, destination,
                String.format("%.1f", seconds), String.format("%.1f", (bytes >> 20) / seconds));
    }

    /** Overwrites the first {@code bytes} of {@code device} with zeros ({@code volume_clear = zero}). */
    public void zero(String device, long bytes) throws DriverException {
        requirePath(device);
        requirePositive(bytes);
        List<String> argv = new ArrayList<>(List.of("dd", "if=/dev/zero", "of=" + device, "count=" + bytes, "bs=" + blockSize,
                "iflag=count_bytes"));
        // Never iflag=direct with /dev/zero (it cannot), as in Cinder.
        argv.add(supportsDirect("of=" + device, "oflag=direct") ? "oflag=direct" : "conv=notrunc,fdatasync");
        if (argv.get(argv.size() - 1).equals("oflag=direct")) {
            argv.add("conv=notrunc");
        }
        LOG.info("Wiping {} MiB of {} with zeros", bytes >> 20, device);
        run(argv, "wipe " + device);
    }

    /** Cinder's {@code check_for_odirect_support}: a zero-length dd with the flag either works or not. */
    private boolean supportsDirect(String file, String flag) {
        List<String> probe = file.startsWith("if=")
                ? List.of("dd", "count=0", file, "of=/dev/null", flag)
                : List.of("dd", "count=0", "if=/dev/zero", file, flag, "conv=notrunc");
        try {
            runner.run(probe, Duration.ofSeconds(30));
            return true;
        } catch (CommandFailedException e) {
            LOG.debug("{} does not support O_DIRECT ({}): {}", file.substring(3), flag, e.getMessage());
            return false;
        }
    }

    private void run(List<String> argv, String what) throws DriverException {
        try {
            runner.run(argv, timeout);
        } catch (CommandFailedException e) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "failed to " + what + ": " + e.getMessage(), e);
        }
    }

    private static void requirePath(String path) throws DriverException {
        if (path == null || !SAFE_PATH.matcher(path).matches() || path.contains("/../")) {
            throw new DriverException(CinderError.INVALID_INPUT, "Invalid input received: not a device path: " + path);
        }
    }

    private static void requirePositive(long bytes) throws DriverException {
        if (bytes <= 0) {
            throw new DriverException(CinderError.INVALID_INPUT, "Invalid input received: byte count must be positive, got " + bytes);
        }
    }
}
