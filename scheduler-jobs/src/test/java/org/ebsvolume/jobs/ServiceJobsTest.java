package org.ebsvolume.jobs;

import org.junit.jupiter.api.Test;
import org.quartz.SimpleTrigger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceJobsTest {

    private static final Instant T0 = Instant.parse("2026-11-23T22:00:00Z");

    @Test
    void runNowHandsTheTaskTheInjectedClocksTime() throws Exception {
        List<Instant> seen = new ArrayList<>();
        try (ServiceJobs jobs = ServiceJobs.start("t1", Clock.fixed(T0, ZoneOffset.UTC), 1)) {
            jobs.every("heartbeat", Duration.ofHours(1), Duration.ofHours(1), seen::add);
            jobs.runNow("heartbeat");
        }
        assertThat(seen).containsExactly(T0);
    }

    @Test
    void missedFiresAreSkippedNotBurst() {
        SimpleTrigger t = (SimpleTrigger) org.quartz.TriggerBuilder.newTrigger()
                .withSchedule(ServiceJobs.schedule(Duration.ofSeconds(10))).build();
        assertThat(t.getMisfireInstruction())
                .isEqualTo(SimpleTrigger.MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT);
        assertThat(t.getRepeatInterval()).isEqualTo(10_000);
        assertThat(t.getRepeatCount()).isEqualTo(SimpleTrigger.REPEAT_INDEFINITELY);
    }

    @Test
    void tasksNeverRunConcurrently() {
        assertThat(ServiceJobs.TaskJob.class.isAnnotationPresent(org.quartz.DisallowConcurrentExecution.class)).isTrue();
    }

    @Test
    void aJobNameIsScheduledOnce() {
        try (ServiceJobs jobs = ServiceJobs.start("t2", Clock.systemUTC(), 1)) {
            jobs.every("x", Duration.ofHours(1), Duration.ofHours(1), now -> { });
            assertThat(jobs.isScheduled("x")).isTrue();
            assertThatThrownBy(() -> jobs.every("x", Duration.ofHours(1), Duration.ZERO, now -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aNonPositiveIntervalIsRefused() {
        try (ServiceJobs jobs = ServiceJobs.start("t3", Clock.systemUTC(), 1)) {
            assertThatThrownBy(() -> jobs.every("y", Duration.ZERO, Duration.ZERO, now -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aCancelledJobStopsAndItsNameCanBeScheduledAgain() {
        try (ServiceJobs jobs = ServiceJobs.start("t4", Clock.systemUTC(), 1)) {
            jobs.every("heartbeat-nodec@ebs", java.time.Duration.ofHours(1), java.time.Duration.ofHours(1), now -> { });
            jobs.cancel("heartbeat-nodec@ebs");
            assertThat(jobs.isScheduled("heartbeat-nodec@ebs")).isFalse();
            // a host that serves the identity again (failback) schedules it anew
            jobs.every("heartbeat-nodec@ebs", java.time.Duration.ofHours(1), java.time.Duration.ofHours(1), now -> { });
            assertThat(jobs.isScheduled("heartbeat-nodec@ebs")).isTrue();
        }
    }

    @Test
    void aOneShotTaskRunsWithTheInjectedClocksTime() throws Exception {
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        List<Instant> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServiceJobs jobs = ServiceJobs.start("t4", Clock.fixed(T0, ZoneOffset.UTC), 1)) {
            jobs.once("handover", Duration.ZERO, now -> {
                seen.add(now);
                ran.countDown();
            });
            assertThat(ran.await(30, java.util.concurrent.TimeUnit.SECONDS)).as("the one-shot task ran").isTrue();
        }
        assertThat(seen).containsExactly(T0);
    }

    @Test
    void aOneShotTaskNotYetRunIsReplacedByOneOfTheSameName() throws Exception {
        java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
        List<String> which = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ServiceJobs jobs = ServiceJobs.start("t5", Clock.systemUTC(), 1)) {
            jobs.once("handover", Duration.ofHours(1), now -> which.add("first"));
            jobs.once("handover", Duration.ZERO, now -> {
                which.add("second");
                ran.countDown();
            });
            assertThat(ran.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        assertThat(which).containsExactly("second");
    }
}
