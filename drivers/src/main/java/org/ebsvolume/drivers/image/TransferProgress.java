package org.ebsvolume.drivers.image;

import java.util.Locale;

import org.slf4j.Logger;

/**
 * Logs how far a byte transfer has got: one line each time another ~10% is done (or, when the
 * total is unknown, every 256 MiB), and a last line with the size, duration and MiB/s. A transfer
 * of a few GiB can take minutes: the operator watching the log must see it move.
 */
final class TransferProgress {

    private static final long MIB = 1L << 20;
    private static final long UNKNOWN_TOTAL_STEP = 256 * MIB;

    private final Logger log;
    private final String what;
    private final long total;
    private final long started = System.nanoTime();
    private long done;
    private long nextReport;

    /**
     * @param what  e.g. "image 1b2c... download from http://glance:9292"; never a secret
     * @param total expected bytes, or -1 when unknown
     */
    TransferProgress(Logger log, String what, long total) {
        this.log = log;
        this.what = what;
        this.total = total;
        this.nextReport = step();
        log.info("{}: starting, {}", what, total >= 0 ? total + " bytes" : "size unknown");
    }

    private long step() {
        return total > 0 ? Math.max(1, total / 10) : UNKNOWN_TOTAL_STEP;
    }

    void advance(long bytes) {
        done += bytes;
        if (done >= nextReport && (total <= 0 || done < total)) {
            if (total > 0) {
                log.info("{}: {}% ({} of {} bytes)", what, done * 100 / total, done, total);
            } else {
                log.info("{}: {} bytes", what, done);
            }
            long step = step();
            nextReport = (done / step + 1) * step;
        }
    }

    long bytes() {
        return done;
    }

    /** The closing line: bytes, seconds and MiB/s. */
    void finish() {
        double seconds = Math.max((System.nanoTime() - started) / 1e9, 0.001);
        log.info("{}: done, 100% ({} bytes, {} MiB in {} s, {} MiB/s)", what, done,
                String.format(Locale.ROOT, "%.1f", done / (double) MIB),
                String.format(Locale.ROOT, "%.2f", seconds),
                String.format(Locale.ROOT, "%.1f", done / (double) MIB / seconds));
    }
}
