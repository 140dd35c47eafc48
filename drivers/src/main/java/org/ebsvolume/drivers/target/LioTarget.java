package org.ebsvolume.drivers.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * {@code target_helper = lioadm}: the kernel's LIO target, configured through {@code ebs-lio}
 * ({@code bin/ebs-lio}, installed as {@code /usr/bin/ebs-lio}), this project's counterpart of
 * {@code cinder-rtstool}: one rtslib process per change, to the same end state rtstool leaves:
 * <ul>
 * <li>a block backstore named after the IQN, serving the volume's device;</li>
 * <li>an iSCSI target with that IQN and TPG 1 with {@code authentication=1}, LUN 0 on the
 * backstore, and a portal on each configured address and port, enabled;</li>
 * <li>no ACL until a host attaches; then one ACL per initiator IQN carrying the volume's CHAP
 * credentials, with mapped LUN 0; detaching deletes that ACL;</li>
 * <li>every change saved ({@code /etc/rtslib-fb-target/saveconfig.json}) so that it survives a
 * reboot. A failed save is only logged, as in Cinder: the live target works.</li>
 * </ul>
 * {@code provider_location} carries the IQN where tgt has a numeric tid, and LUN 0:
 * {@code 192.0.2.10:3260,iqn…:volume-<id> iqn…:volume-<id> 0}.
 *
 * <p>Where this differs from rtstool, on purpose (in the helper): a creation that fails half-way
 * deletes what it made, and a half-made export found later is rebuilt (rtstool would see the
 * backstore and report success with nothing served); removal also deletes a backstore whose
 * target is gone (it would keep the LV open). The result of a creation is read back and checked.
 *
 * <p>Why a helper: every {@code targetcli} run is a Python start that reads the whole configfs
 * tree, and an attach took about fourteen of them (over a minute on a slow host, past Cinder's
 * RPC timeout). With the helper an attach is two runs ({@code create}, {@code add-initiator}) and
 * a detach two ({@code remove-initiator}, {@code delete}).
 *
 * <p>The CHAP password reaches the helper on its standard input, never in its argument list
 * (where {@code ps} would show it); the helper never prints it. Changes hold a JVM-wide lock
 * (Cinder: the external lock {@code lioadm}); the helper also takes targetcli's own lock, so an
 * operator's targetcli does not interleave.
 */
public final class LioTarget implements IscsiTarget {

    private static final Logger LOG = LoggerFactory.getLogger(LioTarget.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The helper, by name: the command runner's allow-list holds bare names, found on PATH. */
    public static final String HELPER = "ebs-lio";
    /** What an EBS backend with {@code target_helper = lioadm} runs. */
    public static final Set<String> REQUIRED_BINARIES = Set.of(HELPER);
    private static final int EXIT_NO_SUCH_TARGET = 3;

    private static final ReentrantLock LIO_LOCK = new ReentrantLock();
    private static final int LUN = 0;
    /** What LIO accepts as an initiator name (it lowercases, and refuses '_' and spaces in IQNs). */
    private static final Pattern INITIATOR = Pattern.compile("[A-Za-z0-9.:-]{1,223}");

    private final CommandExecutor commands;
    private final boolean reportDiscardSupported;

    /**
     * The LIO target of a backend, once {@value #HELPER} is found where the runner will look for
     * it: without it every attach would fail, so the backend refuses to start instead.
     */
    public static LioTarget installed(CommandExecutor runner, boolean reportDiscardSupported) throws DriverException {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin") + ":/usr/sbin:/usr/bin";
        boolean found = java.util.Arrays.stream(path.split(":")).filter(d -> !d.isEmpty())
                .anyMatch(d -> java.nio.file.Files.isExecutable(java.nio.file.Path.of(d, HELPER)));
        if (!found) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "target_helper = lioadm needs " + HELPER + " (LIO exports);"
                    + " it is not on PATH: install -D -m 0755 bin/" + HELPER + " /usr/bin/" + HELPER);
        }
        return new LioTarget(runner, reportDiscardSupported);
    }

    /** @param reportDiscardSupported the backend's {@code report_discard_supported} */
    public LioTarget(CommandExecutor commands, boolean reportDiscardSupported) {
        this.commands = commands;
        this.reportDiscardSupported = reportDiscardSupported;
    }

    // --- create_export ----------------------------------------------------------------------------

    @Override
    public ExportResult createExport(ExportRequest request) throws DriverException {
        ChapCredentials chap = request.chapOrNew();
        String iqn = request.iqn();
        List<String> argv = new ArrayList<>(List.of(HELPER, "create", iqn, request.devicePath(), Integer.toString(request.port())));
        argv.addAll(request.portalIps());
        JsonNode made;
        LIO_LOCK.lock();
        try {
            made = call(IscsiTargetException.Kind.CREATE, request.volumeId(), "create the export", argv, null);
        } finally {
            LIO_LOCK.unlock();
        }
        if (made.path("created").asBoolean()) {
            logSave(request.volumeId(), made);
        } else {
            // rtstool's "storage object already exists: return"; Cinder re-exports on every attach.
            LOG.debug("LIO target {} of volume {} already exists", iqn, request.volumeId());
            if (!made.path("problems").isEmpty()) {
                LOG.warn("Volume {}: its existing LIO export {} differs from what this export asks for: {}", request.volumeId(),
                        iqn, made.path("problems"));
            }
        }
        // Cinder's tid for LIO is the line of "cinder-rtstool get-targets" naming the target: the IQN.
        ExportResult result = Exports.result(request, iqn.toLowerCase(java.util.Locale.ROOT), LUN, chap);
        LOG.info("Exported volume {} as {} with LIO", request.volumeId(), iqn);
        return result;
    }

    // --- remove_export ----------------------------------------------------------------------------

    @Override
    public void removeExport(ExportedVolume volume) throws DriverException {
        String iqn = Exports.iqnToRemove(volume, LOG);
        if (iqn == null) {
            return;
        }
        JsonNode removed;
        LIO_LOCK.lock();
        try {
            removed = call(IscsiTargetException.Kind.REMOVE, volume.volumeId(), "delete the export", List.of(HELPER, "delete", iqn), null);
        } finally {
            LIO_LOCK.unlock();
        }
        if (!removed.path("removed").asBoolean()) {
            Exports.logNothingToRemove(volume, LOG);
            return;
        }
        logSave(volume.volumeId(), removed);
        LOG.info("Removed LIO export {} of volume {}", iqn, volume.volumeId());
    }

    // --- initialize_connection / terminate_connection ---------------------------------------------

    @Override
    public Map<String, Object> initializeConnection(ExportedVolume volume, Connector connector) throws DriverException {
        IscsiTargetException.Kind kind = IscsiTargetException.Kind.ATTACH;
        String iqn = Exports.exportedIqn(volume, LOG);
        if (iqn == null) {
            throw IscsiTargetException.of(kind, volume.volumeId(), "the volume has no provider_location: it was never exported");
        }
        ChapCredentials chap;
        try {
            chap = ChapCredentials.fromProviderAuth(volume.providerAuth());
        } catch (IllegalArgumentException e) {
            throw IscsiTargetException.of(kind, volume.volumeId(), "unusable provider_auth: " + e.getMessage());
        }
        if (chap == null) {
            throw IscsiTargetException.of(kind, volume.volumeId(), "the volume has no provider_auth (CHAP credentials)");
        }
        String initiator = checkedInitiator(kind, volume.volumeId(), connector);
        String credentials = JSON.createObjectNode().put("userid", chap.user()).put("password", chap.password()).toString();
        JsonNode added;
        LIO_LOCK.lock();
        try {
            added = call(kind, volume.volumeId(), "add initiator " + initiator, List.of(HELPER, "add-initiator", iqn, initiator),
                    credentials, chap);
        } finally {
            LIO_LOCK.unlock();
        }
        if (added.path("added").asBoolean()) {
            logSave(volume.volumeId(), added);
        } else {
            // As rtstool: an existing ACL is left as it is (another attachment from this host).
            LOG.debug("Initiator {} already has an ACL on {}", initiator, iqn);
        }
        LOG.info("Initiator {} may log in to {} (volume {})", initiator, iqn, volume.volumeId());
        return IscsiTarget.connectionInfo(volume, connector.multipath(), reportDiscardSupported);
    }

    @Override
    public void terminateConnection(ExportedVolume volume, Connector connector) throws DriverException {
        IscsiTargetException.Kind kind = IscsiTargetException.Kind.DETACH;
        String iqn = Exports.exportedIqn(volume, LOG);
        if (iqn == null) {
            LOG.debug("No provider_location for volume {}.", volume.volumeId());
            return;
        }
        String initiator = checkedInitiator(kind, volume.volumeId(), connector);
        JsonNode removed;
        LIO_LOCK.lock();
        try {
            removed = call(kind, volume.volumeId(), "remove initiator " + initiator, List.of(HELPER, "remove-initiator", iqn, initiator),
                    null);
        } finally {
            LIO_LOCK.unlock();
        }
        if (!removed.path("removed").asBoolean()) {
            LOG.info("delete_initiator: {} ACL not found on {}. Continuing.", initiator, iqn);
            return;
        }
        logSave(volume.volumeId(), removed);
        LOG.info("Initiator {} removed from {} (volume {})", initiator, iqn, volume.volumeId());
    }

    @Override
    public boolean exists(ExportedVolume volume) throws DriverException {
        String iqn = Exports.exportedIqn(volume, LOG);
        return iqn != null && call(IscsiTargetException.Kind.QUERY, volume.volumeId(), "read the export", List.of(HELPER, "state", iqn),
                null).path("target").asBoolean();
    }

    // --- helpers ----------------------------------------------------------------------------------

    /** The initiator goes into the helper's argument list and a configfs path: only a plain name may pass. */
    private static String checkedInitiator(IscsiTargetException.Kind kind, String volumeId, Connector connector)
            throws DriverException {
        if (!INITIATOR.matcher(connector.initiator()).matches()) {
            throw IscsiTargetException.of(kind, volumeId, "initiator name '" + connector.initiator()
                    + "' is not a valid iSCSI name for LIO (allowed: [A-Za-z0-9.:-])");
        }
        return connector.initiator();
    }

    private JsonNode call(IscsiTargetException.Kind kind, String volumeId, String step, List<String> argv, String stdin)
            throws DriverException {
        return call(kind, volumeId, step, argv, stdin, null);
    }

    /**
     * One helper run; its JSON answer. Exit 3 is the helper's "no such target", which Cinder's
     * LIO code reports as {@code Could not find target <iqn>}.
     */
    private JsonNode call(IscsiTargetException.Kind kind, String volumeId, String step, List<String> argv, String stdin,
                          ChapCredentials chap) throws DriverException {
        CommandResult r;
        try {
            r = commands.run(argv, stdin);
        } catch (CommandFailedException e) {
            String reason = e.exitCode() == EXIT_NO_SUCH_TARGET ? "Could not find target " + argv.get(2)
                    : HELPER + " could not " + step;
            throw IscsiTargetException.of(kind, volumeId, reason, e, chap);
        }
        try {
            JsonNode answer = JSON.readTree(r.stdout());
            if (answer == null || !answer.isObject()) {
                throw new IOException("not a JSON object");
            }
            return answer;
        } catch (IOException e) {
            throw IscsiTargetException.of(kind, volumeId, HELPER + " " + step + ": unreadable answer ("
                    + e.getMessage() + "): " + Secrets.scrub(r.stdout(), chap).strip());
        }
    }

    /** Like rtstool's save, a failure is logged and not raised. */
    private static void logSave(String volumeId, JsonNode answer) {
        if (!answer.path("saved").asBoolean()) {
            LOG.warn("Failed to save iscsi LIO configuration when modifying volume id: {}: {}", volumeId,
                    answer.path("save_error").asText("no answer"));
        }
    }
}
