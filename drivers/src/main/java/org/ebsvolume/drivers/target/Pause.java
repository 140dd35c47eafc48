package org.ebsvolume.drivers.target;

import java.time.Duration;

/** Waiting between retries; tests record the waits instead of sleeping through them. */
@FunctionalInterface
interface Pause {
    Pause SLEEP = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
