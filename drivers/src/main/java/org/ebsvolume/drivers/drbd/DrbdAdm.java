package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;
import org.ebsvolume.drivers.command.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * DRBD's administration commands for the project's resources, run through the
 * {@link CommandRunner} (argument lists, allow-list; never a shell string). Every resource name is
 * validated before it reaches an argument list, so none can pass for an option. Every failure is a
 * typed {@link DrbdException} carrying the command and DRBD's stderr ({@link DrbdErrors}).
 *
 * <p>drbdadm reads its configuration from {@code /etc/drbd.conf}, which on Debian includes
 * {@code /etc/drbd.d/*.res}: the {@link DrbdResourceFiles} directory must be one drbdadm includes
 * (the default, {@value DrbdResourceFiles#DEFAULT_DIRECTORY}, is).
 *
 * <p>drbd-utils 9.x runs its 8.4 personality ({@code drbdadm-84}, {@code drbdsetup-84}) when the
 * loaded module is 8.4, and the same commands work with both; {@link #kernelVersion} tells which
 * dialect to write ({@link DrbdDialect#forKernel}).
 *
 * <p>Holds no state besides its configuration; one instance may serve every thread. DRBD itself
 * serialises commands on one resource.
 */
public final class DrbdAdm {

    private static final Logger LOG = LoggerFactory.getLogger(DrbdAdm.class);

    /** Every binary this class runs: the {@link CommandRunner}'s allow-list must contain them all. */
    public static final Set<String> REQUIRED_BINARIES = Set.of("drbdadm", "drbdsetup");

    private final CommandExecutor runner;
    private final DrbdResourceFiles files;
    private final Duration timeout;

    public DrbdAdm(CommandExecutor runner, DrbdResourceFiles files, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.files = Objects.requireNonNull(files, "files");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    public DrbdResourceFiles files() {
        return files;
    }

    // ------------------------------------------------------------------------------------------
    // The kernel module

    /**
     * The loaded module's version, from {@code drbdadm --version} ({@code
     * DRBD_KERNEL_VERSION_CODE=0x08040b}; drbdadm asks the module itself). Works through the
     * runner's root helper, so also on a lab node.
     *
     * @throws DrbdModuleUnavailableException no drbd module is loaded ({@code DRBD_KERNEL_VERSION_CODE=0x000000})
     */
    public DrbdKernelVersion kernelVersion() throws DrbdException {
        CommandResult r = run("drbdadm", "--version");
        return DrbdKernelVersion.fromDrbdadmVersion(r.stdout())
                .orElseThrow(() -> new DrbdModuleUnavailableException("no DRBD kernel module is loaded (drbdadm --version: "
                        + r.stdout().lines().filter(l -> l.startsWith("DRBD_KERNEL_VERSION_CODE=")).findFirst().orElse("no DRBD_KERNEL_VERSION_CODE line")
                        + ")", r.asFailure()));
    }

    /** The dialect the loaded module's drbdadm parses. */
    public DrbdDialect dialect() throws DrbdException {
        return DrbdDialect.forKernel(kernelVersion());
    }

    // ------------------------------------------------------------------------------------------
    // Resource files

    /** Writes the resource's file atomically, mode 0600 ({@link DrbdResourceFiles#write}). */
    public Path writeResourceFile(DrbdResourceConfig config, DrbdDialect dialect) throws DriverException {
        Path written = files.write(config, dialect);
        LOG.info("Wrote DRBD resource file {} (minor {}, port {}, protocol {}, {})", written, config.minor(), config.port(),
                config.protocol(), dialect);
        return written;
    }

    /** Removes the resource's file (bring the resource down first); false when there was none. */
    public boolean deleteResourceFile(String resource) throws DriverException {
        return files.delete(resource);
    }

    // ------------------------------------------------------------------------------------------
    // Metadata

    /**
     * {@code drbdadm create-md --force <res>}: writes fresh internal metadata at the end of the
     * backing disk. {@code --force} answers drbdmeta's questions (there is no terminal) and
     * overwrites old metadata. No {@code --max-peers}: DRBD 9's drbdadm derives it from the
     * number of hosts in the file ({@code drbdmeta … create-md 1}), and the 8.4 personality
     * refuses the option ({@code drbdadm-84: unrecognized option '--max-peers=1'}).
     */
    public void createMetadata(String resource) throws DrbdException {
        drbdadm("create-md", "--force", resource);
    }

    /**
     * {@code drbdadm -- --force wipe-md <res>}: erases the metadata (the resource must be down).
     * drbdadm's own {@code wipe-md} has no {@code --force} ({@code drbdadm: unrecognized option
     * '--force'}, recorded); options after {@code --} go to drbdmeta, whose {@code --force}
     * answers the confirmation question (both personalities: {@code drbdmeta … wipe-md --force}).
     */
    public void wipeMetadata(String resource) throws DrbdException {
        drbdadm("--", "--force", "wipe-md", resource);
    }

    // ------------------------------------------------------------------------------------------
    // Up, down, roles, connection

    /** {@code drbdadm up}: creates the resource in the kernel, attaches the disk, starts connecting. */
    public void up(String resource) throws DrbdException {
        drbdadm("up", resource);
    }

    /** {@code drbdadm down}: demotes, disconnects, detaches and removes the resource from the kernel. */
    public void down(String resource) throws DrbdException {
        drbdadm("down", resource);
    }

    /** {@code drbdadm primary}: refused while the peer is Primary, without UpToDate data, or (fencing) when the peer may be alive. */
    public void primary(String resource) throws DrbdException {
        drbdadm("primary", resource);
    }

    /**
     * {@code drbdadm primary --force}: promotes even without UpToDate data, declaring the local
     * copy the good one. For the first promotion of a new resource (both copies Inconsistent), and
     * for a failover where the local copy must be used whatever DRBD thinks of it.
     */
    public void forcePrimary(String resource) throws DrbdException {
        drbdadm("primary", "--force", resource);
    }

    /**
     * {@code drbdadm new-current-uuid --clear-bitmap <res>/0}: declares both copies of a
     * Connected resource identical and UpToDate without copying a block (the "skip initial sync"
     * of DRBD's user guide, 8.4 and 9). Only true when both backing disks read the same, e.g.
     * two fresh thin LVs, which read zeros everywhere. Run on one node, while both are
     * Connected, Secondary and Inconsistent.
     */
    public void skipInitialSync(String resource) throws DrbdException {
        // drbd-utils 9.22 wants the volume named (lab, 8.4 module: "new-current-uuid requires a
        // specific volume id, but none is specified. Try ... 'new-current-uuid <res>/<vnr>'").
        DrbdNames.requireResourceName(resource);
        run("drbdadm", "new-current-uuid", "--clear-bitmap", resource + "/0");
    }

    /** {@code drbdadm secondary}: refused while the device is held open (an iSCSI export, a mount). */
    public void secondary(String resource) throws DrbdException {
        drbdadm("secondary", resource);
    }

    /** {@code drbdadm adjust}: makes the kernel's settings match the file (protocol, rates; works while connected). */
    public void adjust(String resource) throws DrbdException {
        drbdadm("adjust", resource);
    }

    /** {@code drbdadm resize}: grows the device after both backing LVs were grown. */
    public void resize(String resource) throws DrbdException {
        drbdadm("resize", resource);
    }

    /**
     * {@code drbdadm suspend-io}: every write to the device waits (nothing fails, nothing is
     * acknowledged) until {@link #resumeIo}. A primary that may no longer write alone uses it.
     */
    public void suspendIo(String resource) throws DrbdException {
        drbdadm("suspend-io", resource);
    }

    /** {@code drbdadm resume-io}: the waiting writes go on. */
    public void resumeIo(String resource) throws DrbdException {
        drbdadm("resume-io", resource);
    }

    /** {@code drbdadm disconnect}: the connection goes StandAlone until {@link #connect}. */
    public void disconnect(String resource) throws DrbdException {
        drbdadm("disconnect", resource);
    }

    /** {@code drbdadm connect}. */
    public void connect(String resource) throws DrbdException {
        drbdadm("connect", resource);
    }

    /**
     * {@code drbdadm connect --discard-my-data}: after a split brain, reconnects this node as the
     * one whose changes are thrown away; it becomes SyncTarget of the peer. Must be Secondary.
     */
    public void connectDiscardingMyData(String resource) throws DrbdException {
        drbdadm("connect", "--discard-my-data", resource);
    }

    // ------------------------------------------------------------------------------------------
    // State

    /**
     * The kernel's current view of the resource, from {@code drbdsetup events2 --now --statistics
     * <res>}; empty when the resource is not configured in the kernel (down).
     */
    public Optional<DrbdResourceState> currentState(String resource) throws DrbdException {
        DrbdNames.requireResourceName(resource);
        CommandResult r;
        try {
            r = run("drbdsetup", "events2", "--now", "--statistics", resource);
        } catch (DrbdResourceUnknownException e) {
            return Optional.empty();
        }
        return Optional.ofNullable(statesIn(r).get(resource));
    }

    /**
     * The kernel's current view of every configured resource, by name, from one {@code drbdsetup
     * events2 --now --statistics all}: what a periodic check that looks at many resources reads,
     * so that it runs one command per round and not one per volume (a host with hundreds of
     * replicated volumes would otherwise start hundreds of processes every second). A resource
     * that is down is absent.
     */
    public Map<String, DrbdResourceState> currentStates() throws DrbdException {
        return statesIn(run("drbdsetup", "events2", "--now", "--statistics", "all"));
    }

    /** The resources an {@code events2 --now} run printed; its output unreadable is a command failure. */
    private static Map<String, DrbdResourceState> statesIn(CommandResult r) throws DrbdCommandException {
        try {
            return DrbdEvents2Parser.currentState(r.stdout());
        } catch (DrbdParseException e) {
            throw new DrbdCommandException("unreadable events2 output: " + e.getMessage(), r.asFailure(), e);
        }
    }

    /** {@link DrbdHealth} of the resource's {@link #currentState}. */
    public DrbdHealth health(String resource) throws DrbdException {
        return DrbdHealth.of(resource, currentState(resource));
    }

    /**
     * {@code drbdadm status <res>} read by {@link DrbdStatusParser}: the same facts as
     * {@link #currentState} in the format operators know.
     *
     * @throws DrbdResourceUnknownException the resource is down or not in any file
     */
    public DrbdResourceState status(String resource) throws DrbdException {
        CommandResult r = drbdadm("status", resource);
        Map<String, DrbdResourceState> all;
        try {
            all = DrbdStatusParser.parse(r.stdout());
        } catch (DrbdParseException e) {
            throw new DrbdCommandException("unreadable drbdadm status output: " + e.getMessage(), r.asFailure(), e);
        }
        DrbdResourceState state = all.get(resource);
        if (state == null) {
            throw new DrbdCommandException("drbdadm status printed nothing for " + resource, r.asFailure(), null);
        }
        return state;
    }

    // ------------------------------------------------------------------------------------------

    /** drbdadm with its arguments; the last one is the resource, validated here. */
    private CommandResult drbdadm(String... args) throws DrbdException {
        DrbdNames.requireResourceName(args[args.length - 1]);
        List<String> argv = new ArrayList<>(args.length + 1);
        argv.add("drbdadm");
        argv.addAll(List.of(args));
        return run(argv);
    }

    private CommandResult run(String... argv) throws DrbdException {
        return run(List.of(argv));
    }

    private CommandResult run(List<String> argv) throws DrbdException {
        try {
            return runner.run(argv, timeout);
        } catch (CommandFailedException e) {
            throw DrbdErrors.classify(e);
        }
    }
}
