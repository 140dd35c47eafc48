package org.ebsvolume.jobs;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobDataMap;
import org.quartz.JobDetail;
import org.quartz.JobExecutionContext;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's periodic duties (heartbeat, capability reports, health checks) on Quartz, with
 * Quartz's semantics where they matter: a task never runs twice at once
 * ({@code @DisallowConcurrentExecution}), and a fire missed while the process was stalled is
 * skipped, never burst ({@code MISFIRE_INSTRUCTION_RESCHEDULE_NEXT_WITH_REMAINING_COUNT}) — a
 * burst of heartbeats after a stall would hide the stall from the control plane.
 *
 * <p>Tasks get their time from the injected {@link Clock}, and {@link #runNow} runs a task
 * synchronously, so their logic is tested without waiting for real intervals.
 */
public final class ServiceJobs implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceJobs.class);
    private static final String TASK = "task";
    private static final String CLOCK = "clock";

    private final Scheduler scheduler;
    private final Clock clock;
    private final Map<String, PeriodicTask> tasks = new ConcurrentHashMap<>();

    private ServiceJobs(Scheduler scheduler, Clock clock) {
        this.scheduler = scheduler;
        this.clock = clock;
    }

    public static ServiceJobs start(String name, Clock clock, int threads) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", name);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.threadPool.makeThreadsDaemons", "true");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
        // A fire later than this is a misfire and follows the trigger's misfire instruction.
        p.setProperty("org.quartz.jobStore.misfireThreshold", "1000");
        try {
            Scheduler s = new StdSchedulerFactory(p).getScheduler();
            s.start();
            return new ServiceJobs(s, clock);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the job scheduler: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code task} every {@code interval}, first after {@code initialDelay}.
     */
    public void every(String name, Duration interval, Duration initialDelay, PeriodicTask task) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval of " + name + " must be positive, got " + interval);
        }
        if (tasks.putIfAbsent(name, task) != null) {
            throw new IllegalArgumentException("a job named " + name + " is already scheduled");
        }
        JobDetail job = job(name, task);
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name)
                .startAt(new Date(System.currentTimeMillis() + initialDelay.toMillis()))
                .withSchedule(schedule(interval))
                .build();
        try {
            scheduler.scheduleJob(job, trigger);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code task} once, after {@code delay} (a pause that must not hold the caller's thread,
     * such as letting a reply leave before the service that sent it stops). A task of the same
     * name that has not run yet is replaced.
     */
    public void once(String name, Duration delay, PeriodicTask task) {
        JobDetail job = job(name, task);
        Trigger trigger = TriggerBuilder.newTrigger().withIdentity(name)
                .startAt(new Date(System.currentTimeMillis() + delay.toMillis()))
                .build();
        try {
            scheduler.scheduleJob(job, java.util.Set.of(trigger), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot schedule " + name + ": " + e.getMessage(), e);
        }
    }

    /** The Quartz job that runs {@code task} with this scheduler's clock. */
    private JobDetail job(String name, PeriodicTask task) {
        JobDataMap data = new JobDataMap();
        data.put(TASK, task);
        data.put(CLOCK, clock);
        return JobBuilder.newJob(TaskJob.class).withIdentity(name).usingJobData(data).build();
    }

    /** The schedule every periodic duty uses: fixed rate, forever, missed fires skipped. */
    static SimpleScheduleBuilder schedule(Duration interval) {
        return SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInMilliseconds(interval.toMillis())
                .repeatForever()
                .withMisfireHandlingInstructionNextWithRemainingCount();
    }

    /** Runs a scheduled task now, on the calling thread (an immediate report, or a test). */
    public void runNow(String name) throws Exception {
        PeriodicTask task = tasks.get(name);
        if (task == null) {
            throw new IllegalArgumentException("no job named " + name);
        }
        task.run(clock.instant());
    }

    /** Stops firing {@code name} (a run in progress finishes); unknown names are ignored. */
    public void cancel(String name) {
        tasks.remove(name);
        try {
            scheduler.deleteJob(new JobKey(name));
        } catch (SchedulerException e) {
            LOG.warn("Cancelling job {}: {}", name, e.getMessage());
        }
    }

    public boolean isScheduled(String name) {
        try {
            return scheduler.checkExists(new JobKey(name));
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** Stops firing and waits for running tasks to finish. */
    @Override
    public void close() {
        try {
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            LOG.warn("Stopping the job scheduler: {}", e.getMessage());
        }
    }

    /** Adapts a {@link PeriodicTask} to Quartz; a failing run is logged and the schedule goes on. */
    @DisallowConcurrentExecution
    public static final class TaskJob implements Job {
        @Override
        public void execute(JobExecutionContext context) {
            String name = context.getJobDetail().getKey().getName();
            PeriodicTask task = (PeriodicTask) context.getMergedJobDataMap().get(TASK);
            Clock clock = (Clock) context.getMergedJobDataMap().get(CLOCK);
            try {
                task.run(clock.instant());
            } catch (Exception | Error e) {
                LOG.error("Periodic task {} failed", name, e);
            }
        }
    }
}
