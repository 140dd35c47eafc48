package org.ebsvolume.drivers.time;

import java.time.Duration;

/**
 * Waiting between retries and polls, the one way drivers code waits: production sleeps
 * ({@link #SLEEP}), tests record the waits instead of sleeping through them.
 */
@FunctionalInterface
public interface Pause {

    /** The real wait. */
    Pause SLEEP = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
