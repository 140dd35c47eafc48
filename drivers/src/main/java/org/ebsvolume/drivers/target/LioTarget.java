package org.ebsvolume.drivers.target;

import org.ebsvolume.drivers.DriverException;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandResult;
import org.ebsvolume.drivers.command.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code target_helper = lioadm}: the kernel's LIO target, configured with {@code targetcli}
 * to the same end state {@code cinder-rtstool} (Cinder's rtslib wrapper) leaves:
 * <ul>
 * <li>a block backstore named after the IQN, serving the volume's device;</li>
 * <li>an iSCSI target with that IQN and one TPG ({@code tpg1}) with {@code authentication=1},
 * LUN 0 on the backstore, and a portal on each configured address and port (targetcli's automatic
 * {@code 0.0.0.0:3260} portal is removed, rtstool never creates it);</li>
 * <li>no ACL until a host attaches; then one ACL per initiator IQN carrying the volume's CHAP
 * credentials, with mapped LUN 0; detaching deletes that ACL;</li>
 * <li>{@code targetcli saveconfig} after each change, so that the configuration survives a reboot
 * ({@code /etc/rtslib-fb-target/saveconfig.json} on Debian). A failed save is only logged, as in
 * Cinder: the live target works.</li>
 * </ul>
 * {@code provider_location} carries the IQN where tgt has a numeric tid, and LUN 0:
 * {@code 192.0.2.10:3260,iqn…:volume-<id> iqn…:volume-<id> 0}.
 *
 * <p>Where this differs from rtstool, on purpose: a creation that fails half-way deletes what it
 * made, and a half-made export found later is rebuilt (rtstool would see the backstore and
 * report success with nothing served); removal also deletes a backstore whose target is gone (it
 * would keep the LV open). The result of a creation is read back and checked.
 *
 * <p>Each targetcli call is a Python start-up of 1.5-2 s, so the current state is read with one
 * {@code targetcli ls} and only the missing steps run. Multi-step changes hold a JVM-wide lock
 * (Cinder: the external lock {@code lioadm}); targetcli itself only serialises single calls.
 *
 * <p>targetcli repeats secrets on stdout ({@code Parameter password is now '…'.}): its output is
 * only ever logged scrubbed, and {@code password=…} is passed as one argument so that
 * {@code CommandRunner} masks it in command lines.
 */
public final class LioTarget implements IscsiTarget {

    private static final Logger LOG = LoggerFactory.getLogger(LioTarget.class);

    private static final ReentrantLock LIO_LOCK = new ReentrantLock();

    private static final String TARGETCLI = "targetcli";
    private static final String BACKSTORES = "/backstores/block";
    private static final String TPG = "tpg1";
    private static final int LUN = 0;
    private static final String DEFAULT_PORTAL_CREATED = "Created default portal listening on all IPs (0.0.0.0), port 3260.";
    private static final Pattern SAVED_TO = Pattern.compile("Configuration saved to (\\S+)");
    /** What LIO accepts as an initiator name (it lowercases, and refuses '_' and spaces in IQNs). */
    private static final Pattern INITIATOR = Pattern.compile("[A-Za-z0-9.:-]{1,223}");

    private final CommandExecutor commands;
    private final boolean reportDiscardSupported;

    /** @param reportDiscardSupported the backend's {@code report_discard_supported} */
    public LioTarget(CommandRunner runner, boolean reportDiscardSupported) {
        this((CommandExecutor) runner::run, reportDiscardSupported);
    }

    LioTarget(CommandExecutor commands, boolean reportDiscardSupported) {
        this.commands = commands;
        this.reportDiscardSupported = reportDiscardSupported;
    }

    // --- create_export ----------------------------------------------------------------------------

    @Override
    public ExportResult createExport(ExportRequest request) throws DriverException {
        ChapCredentials chap = request.chap() != null ? request.chap() : ChapCredentials.generate();
        String iqn = request.iqn();
        Names n = new Names(iqn);
        LIO_LOCK.lock();
        try {
            TargetcliTree tree = readTree(IscsiTargetException.Kind.CREATE, request.volumeId());
            boolean haveBackstore = tree.has(n.backstore());
            boolean haveTarget = tree.has(n.target());
            if (haveBackstore && haveTarget) {
                // rtstool's "storage object already exists: return"; Cinder re-exports on every attach.
                LOG.debug("LIO target {} of volume {} already exists", iqn, request.volumeId());
            } else {
                if (haveBackstore || haveTarget) {
                    // A crash between two steps leaves half an export; rtstool would then refuse
                    // forever ("already exists") with no LUN served. Start again from nothing.
                    LOG.warn("Volume {}: half-made LIO export found (backstore {}, target {}); recreating it",
                            request.volumeId(), haveBackstore, haveTarget);
                    deleteExport(request.volumeId(), iqn, haveTarget, haveBackstore, IscsiTargetException.Kind.CREATE);
                }
                createTarget(request, n, chap);
                save(request.volumeId(), chap);
            }
        } finally {
            LIO_LOCK.unlock();
        }
        // Cinder's tid for LIO is the line of "cinder-rtstool get-targets" naming the target: the IQN.
        String location = ProviderLocation.of(request.portalIps(), request.port(), n.targetName(), iqn, LUN).format();
        LOG.info("Exported volume {} as {} with LIO", request.volumeId(), iqn);
        return new ExportResult(location, chap.providerAuth());
    }

    /** All the creation steps; on any failure what was made here is deleted again. */
    private void createTarget(ExportRequest request, Names n, ChapCredentials chap) throws DriverException {
        String volumeId = request.volumeId();
        IscsiTargetException.Kind kind = IscsiTargetException.Kind.CREATE;
        boolean madeBackstore = false;
        boolean madeTarget = false;
        try {
            run(kind, volumeId, chap, "create backstore", BACKSTORES, "create", "name=" + n.iqn(), "dev=" + request.devicePath());
            madeBackstore = true;
            CommandResult created = run(kind, volumeId, chap, "create target", "/iscsi", "create", n.iqn());
            madeTarget = true;

            Set<String> wanted = new LinkedHashSet<>();
            for (String ip : request.portalIps()) {
                wanted.add(stripBrackets(ip));
            }
            boolean defaultPortal = created.stdout().contains(DEFAULT_PORTAL_CREATED);
            boolean keepDefault = defaultPortal && request.port() == 3260 && wanted.contains("0.0.0.0");
            if (defaultPortal && !keepDefault) {
                // rtstool binds only the configured addresses; a wildcard listener would also keep
                // the specific ones from binding the same port.
                run(kind, volumeId, chap, "delete default portal", n.tpg() + "/portals", "delete",
                        "ip_address=0.0.0.0", "ip_port=3260");
            }
            run(kind, volumeId, chap, "require authentication", n.tpg(), "set", "attribute", "authentication=1");
            run(kind, volumeId, chap, "create LUN", n.tpg() + "/luns", "create", n.backstore());
            for (String ip : wanted) {
                if (keepDefault && "0.0.0.0".equals(ip)) {
                    continue;
                }
                run(kind, volumeId, chap, "create portal", n.tpg() + "/portals", "create",
                        "ip_address=" + ip, "ip_port=" + request.port());
            }
            verifyCreated(request, n, wanted, chap);
        } catch (DriverException e) {
            if (madeBackstore || madeTarget) {
                try {
                    deleteExport(volumeId, n.iqn(), madeTarget, madeBackstore, kind);
                } catch (DriverException cleanup) {
                    LOG.error("Volume {}: could not clean up the half-made LIO export {}: {}", volumeId, n.iqn(), cleanup.getMessage());
                }
            }
            throw e;
        }
    }

    /**
     * Reads the result back, as Cinder does with {@code get-targets}, and checks what rtstool
     * sets explicitly: TPG enabled (targetcli only enables it when its {@code auto_enable_tpgt}
     * pref says so), authentication on with per-ACL credentials, LUN 0, every portal.
     */
    private void verifyCreated(ExportRequest request, Names n, Set<String> wantedIps, ChapCredentials chap) throws DriverException {
        String volumeId = request.volumeId();
        IscsiTargetException.Kind kind = IscsiTargetException.Kind.CREATE;
        TargetcliTree tree = readTree(kind, volumeId);
        if ("disabled".equals(tree.summary(n.tpg()))) {
            run(kind, volumeId, chap, "enable TPG", n.tpg(), "enable");
            tree = readTree(kind, volumeId);
        }
        List<String> problems = new ArrayList<>();
        String tpgSummary = tree.summary(n.tpg());
        if (tpgSummary == null) {
            problems.add("no " + n.tpg());
        } else if (!tpgSummary.contains("auth per-acl")) {
            problems.add(n.tpg() + " is [" + tpgSummary + "], expected per-ACL authentication");
        }
        if (!tree.has(n.tpg() + "/luns/lun" + LUN)) {
            problems.add("no lun" + LUN);
        }
        for (String ip : wantedIps) {
            String portal = ProviderLocation.sanitizeHost(ip) + ":" + request.port();
            if (!tree.has(n.tpg() + "/portals/" + portal)) {
                problems.add("no portal " + portal);
            }
        }
        if (!problems.isEmpty()) {
            throw IscsiTargetException.of(kind, volumeId, "LIO target " + n.iqn() + " is incomplete: " + String.join(", ", problems));
        }
    }

    // --- remove_export ----------------------------------------------------------------------------

    @Override
    public void removeExport(ExportedVolume volume) throws DriverException {
        String iqn = exportedIqn(volume);
        if (iqn == null) {
            LOG.info("Skipping remove_export. No iscsi_target is presently exported for volume: {}", volume.volumeId());
            return;
        }
        Names n = new Names(iqn);
        LIO_LOCK.lock();
        try {
            TargetcliTree tree = readTree(IscsiTargetException.Kind.REMOVE, volume.volumeId());
            boolean haveTarget = tree.has(n.target());
            boolean haveBackstore = tree.has(n.backstore());
            if (!haveTarget && !haveBackstore) {
                LOG.info("Skipping remove_export. No iscsi_target is presently exported for volume: {}", volume.volumeId());
                return;
            }
            // rtstool skips everything when the target is gone; a leftover backstore would still
            // hold the LV open and make lvremove fail with "in use", so it goes as well.
            deleteExport(volume.volumeId(), iqn, haveTarget, haveBackstore, IscsiTargetException.Kind.REMOVE);
            save(volume.volumeId(), null);
        } finally {
            LIO_LOCK.unlock();
        }
        LOG.info("Removed LIO export {} of volume {}", iqn, volume.volumeId());
    }

    /** Target first (it holds the LUN that points at the backstore), then the backstore. */
    private void deleteExport(String volumeId, String iqn, boolean target, boolean backstore, IscsiTargetException.Kind kind)
            throws DriverException {
        Names n = new Names(iqn);
        if (target) {
            run(kind, volumeId, null, "delete target", "/iscsi", "delete", n.targetName());
        }
        if (backstore) {
            run(kind, volumeId, null, "delete backstore", BACKSTORES, "delete", n.iqn());
        }
    }

    // --- initialize_connection / terminate_connection ---------------------------------------------

    @Override
    public Map<String, Object> initializeConnection(ExportedVolume volume, Connector connector) throws DriverException {
        IscsiTargetException.Kind kind = IscsiTargetException.Kind.ATTACH;
        String iqn = exportedIqn(volume);
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
        Names n = new Names(iqn);
        LIO_LOCK.lock();
        try {
            TargetcliTree tree = readTree(kind, volume.volumeId());
            if (!tree.has(n.target())) {
                throw IscsiTargetException.of(kind, volume.volumeId(), "Could not find target " + iqn);
            }
            if (findAcl(tree, n, initiator) != null) {
                // As rtstool: an existing ACL is left as it is (another attachment from this host).
                LOG.debug("Initiator {} already has an ACL on {}", initiator, iqn);
            } else {
                addAcl(volume.volumeId(), n, initiator, chap);
                save(volume.volumeId(), chap);
            }
        } finally {
            LIO_LOCK.unlock();
        }
        LOG.info("Initiator {} may log in to {} (volume {})", initiator, iqn, volume.volumeId());
        return IscsiTarget.connectionInfo(volume, connector.multipath(), reportDiscardSupported);
    }

    /**
     * The ACL, then its CHAP credentials. In between the initiator has an ACL without a secret,
     * which cannot log in while the TPG demands authentication, so the gap is harmless; if the
     * credentials cannot be set the ACL is deleted again.
     */
    private void addAcl(String volumeId, Names n, String initiator, ChapCredentials chap) throws DriverException {
        IscsiTargetException.Kind kind = IscsiTargetException.Kind.ATTACH;
        // add_mapped_luns=true maps LUN 0 as rtstool does, whatever the host's auto_add_mapped_luns pref.
        run(kind, volumeId, chap, "create ACL", n.tpg() + "/acls", "create", initiator, "add_mapped_luns=true");
        try {
            run(kind, volumeId, chap, "set CHAP credentials", n.acl(initiator), "set", "auth",
                    "userid=" + chap.user(), "password=" + chap.password());
        } catch (DriverException e) {
            try {
                run(kind, volumeId, chap, "delete ACL", n.tpg() + "/acls", "delete", initiator);
            } catch (DriverException cleanup) {
                LOG.error("Could not delete ACL {} of {} after failing to set its credentials: {}", initiator, n.iqn(),
                        cleanup.getMessage());
            }
            throw e;
        }
    }

    @Override
    public void terminateConnection(ExportedVolume volume, Connector connector) throws DriverException {
        IscsiTargetException.Kind kind = IscsiTargetException.Kind.DETACH;
        String iqn = exportedIqn(volume);
        if (iqn == null) {
            LOG.debug("No provider_location for volume {}.", volume.volumeId());
            return;
        }
        String initiator = checkedInitiator(kind, volume.volumeId(), connector);
        Names n = new Names(iqn);
        LIO_LOCK.lock();
        try {
            TargetcliTree tree = readTree(kind, volume.volumeId());
            if (!tree.has(n.target())) {
                throw IscsiTargetException.of(kind, volume.volumeId(), "Could not find target " + iqn);
            }
            String acl = findAcl(tree, n, initiator);
            if (acl == null) {
                LOG.info("delete_initiator: {} ACL not found on {}. Continuing.", initiator, iqn);
                return;
            }
            run(kind, volume.volumeId(), null, "delete ACL", n.tpg() + "/acls", "delete", acl);
            save(volume.volumeId(), null);
        } finally {
            LIO_LOCK.unlock();
        }
        LOG.info("Initiator {} removed from {} (volume {})", initiator, iqn, volume.volumeId());
    }

    @Override
    public boolean exists(ExportedVolume volume) throws DriverException {
        String iqn = exportedIqn(volume);
        return iqn != null && readTree(IscsiTargetException.Kind.QUERY, volume.volumeId()).has(new Names(iqn).target());
    }

    // --- helpers ----------------------------------------------------------------------------------

    /**
     * Where things live in targetcli's tree. LIO lowercases target and initiator names, so paths
     * under {@code /iscsi} use the lowercase form; a storage object keeps its name as given.
     */
    private record Names(String iqn) {
        String targetName() {
            return iqn.toLowerCase(Locale.ROOT);
        }

        String backstore() {
            return BACKSTORES + "/" + iqn;
        }

        String target() {
            return "/iscsi/" + targetName();
        }

        String tpg() {
            return target() + "/" + TPG;
        }

        String acl(String initiator) {
            return tpg() + "/acls/" + initiator.toLowerCase(Locale.ROOT);
        }
    }

    /** The ACL's name as LIO shows it; matched without regard to case, as rtstool does. */
    private static String findAcl(TargetcliTree tree, Names n, String initiator) {
        for (String acl : tree.children(n.tpg() + "/acls")) {
            if (acl.equalsIgnoreCase(initiator)) {
                return acl;
            }
        }
        return null;
    }

    /** The initiator is spliced into a targetcli command line: only a plain name may pass. */
    private static String checkedInitiator(IscsiTargetException.Kind kind, String volumeId, Connector connector)
            throws DriverException {
        if (!INITIATOR.matcher(connector.initiator()).matches()) {
            throw IscsiTargetException.of(kind, volumeId, "initiator name '" + connector.initiator()
                    + "' is not a valid iSCSI name for LIO (allowed: [A-Za-z0-9.:-])");
        }
        return connector.initiator();
    }

    private TargetcliTree readTree(IscsiTargetException.Kind kind, String volumeId) throws DriverException {
        CommandResult r = run(kind, volumeId, null, "list configuration", "ls");
        try {
            return TargetcliTree.parse(r.stdout());
        } catch (IllegalArgumentException e) {
            throw IscsiTargetException.of(kind, volumeId, "cannot read 'targetcli ls': " + e.getMessage());
        }
    }

    /** {@code targetcli saveconfig}; like rtstool's save, a failure is logged and not raised. */
    private void save(String volumeId, ChapCredentials chap) {
        try {
            CommandResult r = commands.run(List.of(TARGETCLI, "saveconfig"));
            Matcher m = SAVED_TO.matcher(r.stdout());
            if (m.find()) {
                LOG.debug("LIO configuration saved to {}", m.group(1));
            } else {
                LOG.warn("targetcli saveconfig for volume {} did not confirm the save: {}", volumeId,
                        Secrets.scrub(r.stdout(), chap).strip());
            }
        } catch (CommandFailedException e) {
            LOG.warn("Failed to save iscsi LIO configuration when modifying volume id: {}: exit code {}, {}", volumeId,
                    e.exitCode(), Secrets.scrub(e.stderr(), chap).strip());
        }
    }

    /** One targetcli call; its output reaches the debug log scrubbed of {@code chap}'s password. */
    private CommandResult run(IscsiTargetException.Kind kind, String volumeId, ChapCredentials chap, String step,
                              String... words) throws DriverException {
        List<String> argv = new ArrayList<>(words.length + 1);
        argv.add(TARGETCLI);
        argv.addAll(List.of(words));
        try {
            CommandResult r = commands.run(argv);
            if (LOG.isDebugEnabled() && !"ls".equals(words[0])) {
                LOG.debug("targetcli {} for volume {}: {}", step, volumeId, Secrets.scrub(r.stdout(), chap).strip());
            }
            return r;
        } catch (CommandFailedException e) {
            throw IscsiTargetException.of(kind, volumeId, "targetcli could not " + step, e, chap);
        }
    }

    private static String stripBrackets(String ip) {
        return ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
    }

    private static String exportedIqn(ExportedVolume volume) {
        if (volume.providerLocation() == null || volume.providerLocation().isBlank()) {
            return null;
        }
        try {
            return ProviderLocation.parse(volume.providerLocation()).iqn();
        } catch (IllegalArgumentException e) {
            LOG.warn("Volume {}: unreadable provider_location '{}': {}", volume.volumeId(), volume.providerLocation(), e.getMessage());
            return null;
        }
    }
}
