package org.ebsvolume.drivers.initiator;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.time.Pause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * This host as an iSCSI initiator (open-iscsi's {@code iscsiadm}), what os-brick's
 * {@code ISCSIConnector} does for Cinder when the volume service itself must read or write a
 * volume of another backend (generic migration): create the node record, set one-way CHAP,
 * log in, wait for udev's {@code /dev/disk/by-path} link; and the reverse.
 */
public final class IscsiInitiator {

    private static final Logger LOG = LoggerFactory.getLogger(IscsiInitiator.class);

    /** Every binary this class runs. */
    public static final Set<String> REQUIRED_BINARIES = Set.of("iscsiadm");

    private static final Pattern IQN = Pattern.compile("(iqn\\.[0-9]{4}-[0-9]{2}\\.[A-Za-z0-9.-]+(:[A-Za-z0-9._:-]+)?|eui\\.[0-9A-Fa-f]{16})");
    private static final Pattern PORTAL = Pattern.compile("(\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:]+\\]):\\d{1,5}");
    private static final Pattern CHAP_VALUE = Pattern.compile("[A-Za-z0-9._@:+=/-]{1,255}");

    /** What {@code initialize_connection} returned for an iSCSI volume ({@code data} of the connection info). */
    public record IscsiTarget(String iqn, String portal, int lun, String chapUser, String chapSecret) {
        public IscsiTarget {
            Objects.requireNonNull(iqn, "iqn");
            Objects.requireNonNull(portal, "portal");
        }

        @Override
        public String toString() {
            return iqn + " at " + portal + " lun " + lun + (chapUser == null ? "" : " (CHAP user " + chapUser + ")");
        }

        /** Reads Cinder's iSCSI connection info ({@code {"driver_volume_type": "iscsi", "data": {...}}}). */
        public static IscsiTarget fromConnectionInfo(Map<String, ?> info) throws DriverException {
            Object type = info.get("driver_volume_type");
            if (!"iscsi".equals(type)) {
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "cannot attach a volume of type " + type + " over iSCSI");
            }
            if (!(info.get("data") instanceof Map<?, ?> data)) {
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "iSCSI connection info has no data");
            }
            String iqn = text(data, "target_iqn");
            String portal = text(data, "target_portal");
            if (iqn == null || !IQN.matcher(iqn).matches() || portal == null || !PORTAL.matcher(portal).matches()) {
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "iSCSI connection info names no valid target: "
                        + iqn + " at " + portal);
            }
            int lun = data.get("target_lun") instanceof Number n ? n.intValue() : 0;
            String user = null;
            String secret = null;
            if ("CHAP".equalsIgnoreCase(text(data, "auth_method"))) {
                user = text(data, "auth_username");
                secret = text(data, "auth_password");
                if (user == null || secret == null || !CHAP_VALUE.matcher(user).matches() || !CHAP_VALUE.matcher(secret).matches()) {
                    throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "iSCSI connection info has unusable CHAP credentials");
                }
            }
            return new IscsiTarget(iqn, portal, lun, user, secret);
        }

        private static String text(Map<?, ?> data, String key) {
            Object v = data.get(key);
            return v == null ? null : v.toString();
        }
    }

    /** How often {@link #connect} looks for the device node udev makes after a login. */
    private static final Duration DEVICE_POLL = Duration.ofMillis(200);

    private final CommandExecutor runner;
    private final Path initiatorNameFile;
    private final Path byPath;
    private final Duration deviceWait;
    private final Pause pause;

    public IscsiInitiator(CommandExecutor runner, Path initiatorNameFile, Path byPathDir, Duration deviceWait) {
        this(runner, initiatorNameFile, byPathDir, deviceWait, Pause.SLEEP);
    }

    /** @param pause how the polls for the device node wait (tests record them) */
    public IscsiInitiator(CommandExecutor runner, Path initiatorNameFile, Path byPathDir, Duration deviceWait, Pause pause) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.initiatorNameFile = Objects.requireNonNull(initiatorNameFile, "initiatorNameFile");
        this.byPath = Objects.requireNonNull(byPathDir, "byPathDir");
        this.deviceWait = Objects.requireNonNull(deviceWait, "deviceWait");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /** The production setup: open-iscsi's files and udev's links. */
    public static IscsiInitiator system(CommandExecutor runner) {
        return new IscsiInitiator(runner, Path.of("/etc/iscsi/initiatorname.iscsi"), Path.of("/dev/disk/by-path"), Duration.ofSeconds(30));
    }

    /** This host's initiator IQN, from open-iscsi's {@code InitiatorName=} line. */
    public String initiatorName() throws DriverException {
        try {
            for (String line : Files.readAllLines(initiatorNameFile)) {
                String l = line.strip();
                if (l.startsWith("InitiatorName=")) {
                    String iqn = l.substring("InitiatorName=".length()).strip();
                    if (IQN.matcher(iqn).matches()) {
                        return iqn;
                    }
                }
            }
        } catch (IOException e) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "cannot read this host's iSCSI initiator name from "
                    + initiatorNameFile + " (is open-iscsi installed?): " + e.getMessage(), e);
        }
        throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, initiatorNameFile + " holds no InitiatorName= line");
    }

    /** The connector Cinder's {@code initialize_connection} expects from this host (os-brick's {@code get_connector_properties}). */
    public Map<String, Object> connector(String hostName, String ip) throws DriverException {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("platform", "x86_64");
        c.put("os_type", "linux");
        c.put("ip", ip);
        c.put("host", hostName);
        c.put("multipath", false);
        c.put("initiator", initiatorName());
        c.put("do_local_attach", false);
        return c;
    }

    /**
     * Logs in to the target and returns the local block device once udev has made it. A failed
     * login leaves no node record behind.
     */
    public Path connect(IscsiTarget target) throws DriverException {
        List<String> node = List.of("iscsiadm", "-m", "node", "-T", target.iqn(), "-p", target.portal());
        run(concat(node, "--interface", "default", "--op", "new"), "create the node record for " + target);
        try {
            if (target.chapUser() != null) {
                run(concat(node, "--op", "update", "-n", "node.session.auth.authmethod", "-v", "CHAP"), "set CHAP for " + target);
                run(concat(node, "--op", "update", "-n", "node.session.auth.username", "-v", target.chapUser()), "set CHAP for " + target);
                run(concat(node, "--op", "update", "-n", "node.session.auth.password", "-v", target.chapSecret()), "set CHAP for " + target);
            }
            LOG.info("Logging in to iSCSI target {}", target);
            run(concat(node, "--login"), "log in to " + target);
        } catch (DriverException e) {
            deleteNode(node, e);
            throw e;
        }
        Path device = byPath.resolve("ip-" + target.portal() + "-iscsi-" + target.iqn() + "-lun-" + target.lun());
        long deadline = System.nanoTime() + deviceWait.toNanos();
        while (!Files.exists(device)) {
            if (System.nanoTime() > deadline) {
                DriverException e = new DriverException(CinderError.VOLUME_DEVICE_NOT_FOUND, "Volume device not found at " + device
                        + " after logging in to " + target);
                disconnect(target);
                throw e;
            }
            try {
                pause.sleep(DEVICE_POLL);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "interrupted waiting for " + device, ie);
            }
        }
        LOG.info("iSCSI target {} is {}", target, device);
        return device;
    }

    /** Logs out and deletes the node record; a session that is already gone is fine. */
    public void disconnect(IscsiTarget target) throws DriverException {
        List<String> node = List.of("iscsiadm", "-m", "node", "-T", target.iqn(), "-p", target.portal());
        try {
            runner.run(concat(node, "--logout"));
        } catch (CommandFailedException e) {
            // 21 = no session found: already logged out.
            if (e.exitCode() != 21) {
                throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "failed to log out of " + target + ": " + e.getMessage(), e);
            }
        }
        deleteNode(node, null);
        LOG.info("Logged out of iSCSI target {}", target);
    }

    private void deleteNode(List<String> node, DriverException cause) {
        try {
            runner.run(concat(node, "--op", "delete"));
        } catch (CommandFailedException e) {
            if (cause != null) {
                cause.addSuppressed(e);
            } else if (e.exitCode() != 21) {
                LOG.warn("Could not delete the iSCSI node record: {}", e.getMessage());
            }
        }
    }

    private void run(List<String> argv, String what) throws DriverException {
        try {
            runner.run(argv);
        } catch (CommandFailedException e) {
            throw new DriverException(CinderError.VOLUME_BACKEND_API_EXCEPTION, "failed to " + what + ": " + e.getMessage(), e);
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }
}
