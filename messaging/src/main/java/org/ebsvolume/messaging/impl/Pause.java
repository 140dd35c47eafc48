package org.ebsvolume.messaging.impl;

import java.time.Duration;

/**
 * Waiting between retries, the one way messaging code waits: production sleeps ({@link #SLEEP}),
 * tests record the waits instead of sleeping through them. The same shape as the drivers
 * module's {@code org.ebsvolume.drivers.time.Pause}, kept here because messaging depends on no
 * other module of the project. Public only because {@code org.ebsvolume.messaging} uses it.
 */
@FunctionalInterface
public interface Pause {

    /** The real wait. */
    Pause SLEEP = d -> Thread.sleep(d.toMillis());

    void sleep(Duration duration) throws InterruptedException;
}
