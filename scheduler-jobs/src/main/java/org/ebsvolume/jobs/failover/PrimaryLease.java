package org.ebsvolume.jobs.failover;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The primary's side of "never two primaries": its right to write without its backup is a lease
 * on the witness. Every heartbeat that reaches Cinder's database renews it. A backup promotes
 * only after the heartbeat is {@code service_down_time} old, so a primary that has lost its peer
 * must stop writing (suspend I/O) once its last successful heartbeat is half that old: the
 * other half is the margin for clock steps and the check's own period.
 *
 * <p>While the peer is connected the lease does not matter: the backup cannot promote a
 * connected resource, and every write reaches both copies.
 */
public final class PrimaryLease {

    private final Duration serviceDownTime;
    private volatile Instant lastWitnessContact;

    public PrimaryLease(Duration serviceDownTime, Instant startedAt) {
        this.serviceDownTime = Objects.requireNonNull(serviceDownTime, "serviceDownTime");
        this.lastWitnessContact = Objects.requireNonNull(startedAt, "startedAt");
    }

    /** A heartbeat reached the witness at {@code at} (the local monotonic-ish clock). */
    public void renewed(Instant at) {
        if (at.isAfter(lastWitnessContact)) {
            lastWitnessContact = at;
        }
    }

    /** How long this primary may still write alone, measured from its last witness contact. */
    public Duration validity() {
        return serviceDownTime.dividedBy(2);
    }

    /** Whether a primary whose peer is disconnected may keep accepting writes at {@code now}. */
    public boolean mayWriteAlone(Instant now) {
        return Duration.between(lastWitnessContact, now).compareTo(validity()) < 0;
    }

    public Instant lastWitnessContact() {
        return lastWitnessContact;
    }
}
