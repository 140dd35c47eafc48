package org.ebsvolume.jobs;

import java.time.Instant;

/** One run of a periodic duty; {@code now} comes from the injected clock, never from the system. */
@FunctionalInterface
public interface PeriodicTask {
    void run(Instant now) throws Exception;
}
