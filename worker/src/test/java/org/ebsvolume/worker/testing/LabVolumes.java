package org.ebsvolume.worker.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the lab tests do with volumes through the real CLI and check on the nodes: the attachment
 * API with a compute node's connector, iscsiadm login with CHAP from that node, data written and
 * read with checksums, the volume's DB row, {@code lvs} JSON and LIO's configfs of a storage node.
 * Shared by {@code LabSingleHostLifecycleTest} and {@code LabVolumeOperationsTest}.
 */
public final class LabVolumes {

    public static final String CONFIGFS = "/sys/kernel/config/target";
    public static final Duration OPERATION = Duration.ofMinutes(3);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Lab lab;
    private final ControlPlane cp;
    private final CinderDb db;
    private final String computeNode;
    private final Supplier<String> workerLog;

    /**
     * @param computeNode the node that attaches (its connector, iscsiadm with CHAP)
     * @param workerLog   what a failure shows (the worker's log)
     */
    public LabVolumes(Lab lab, ControlPlane cp, CinderDb db, String computeNode, Supplier<String> workerLog) {
        this.lab = lab;
        this.cp = cp;
        this.db = db;
        this.computeNode = computeNode;
        this.workerLog = workerLog;
    }

    // ------------------------------------------------------------------------------------------------
    // attach / iSCSI

    /** The connection the attachment API handed out (connection_info of attachment-create). */
    public record Attachment(String id, String iqn, String portal, String user, String password, Map<String, String> info) {
    }

    /** {@code cinder attachment-create --connect True} with the compute node's connector (no server id: Bug #2004555). */
    public Attachment attach(String volumeId) {
        CliResult r = cp.cinder("--os-volume-api-version", "3.54", "attachment-create", volumeId,
                "--connect", "True", "--initiator", Lab.initiatorName(computeNode), "--ip", lab.ip(computeNode), "--host", computeNode,
                "--platform", "x86_64", "--ostype", "linux", "--mountpoint", "/dev/vdb").requireSuccess();
        Map<String, String> t = table(r.stdout());
        for (String key : List.of("id", "target_iqn", "target_portal", "auth_username", "auth_password")) {
            assertThat(t).as("attachment-create printed %s:%n%s", key, r.stdout()).containsKey(key);
        }
        return new Attachment(t.get("id"), t.get("target_iqn"), t.get("target_portal"), t.get("auth_username"),
                t.get("auth_password"), t);
    }

    /** {@code iscsiadm -m discovery -t st} from the compute node against a portal address. */
    public String discover(String portalIp) {
        return lab.execOk(computeNode, "iscsiadm", "-m", "discovery", "-t", "st", "-p", portalIp);
    }

    /** Discovery, CHAP settings, login; prints the by-path device once udev made it. Args: portal iqn user password. */
    public static final String LOGIN_SCRIPT = """
            set -eu
            portal=$1 iqn=$2 user=$3 pass=$4
            iscsiadm -m discovery -t st -p "$portal" >/dev/null
            for kv in node.session.auth.authmethod=CHAP "node.session.auth.username=$user" "node.session.auth.password=$pass"; do
              iscsiadm -m node -T "$iqn" -p "$portal" --op update -n "${kv%%=*}" -v "${kv#*=}"
            done
            iscsiadm -m node -T "$iqn" -p "$portal" --login >/dev/null
            udevadm settle
            dev=/dev/disk/by-path/ip-$portal-iscsi-$iqn-lun-0
            for i in $(seq 100); do [ -b "$dev" ] && break; sleep 0.1; done
            [ -b "$dev" ] || { echo "no $dev after login" >&2; ls -l /dev/disk/by-path >&2; exit 1; }
            echo "$dev"
            """;

    /** Logs the compute node in with the attachment's CHAP credentials; returns the device. */
    public String login(Attachment a) {
        String out = lab.exec(computeNode, "bash", "-c", LOGIN_SCRIPT, "login", a.portal(), a.iqn(), a.user(), a.password())
                .requireSuccess().stdout();
        assertThat(lab.execOk(computeNode, "iscsiadm", "-m", "session")).contains(a.portal() + ",1 " + a.iqn());
        return out.strip();
    }

    public void logout(Attachment a) {
        lab.execOk(computeNode, "iscsiadm", "-m", "node", "-T", a.iqn(), "-p", a.portal(), "--logout");
        lab.execOk(computeNode, "iscsiadm", "-m", "node", "-T", a.iqn(), "-p", a.portal(), "--op", "delete");
    }

    /** attachment-complete, as Nova once the host is connected. */
    public void complete(Attachment a) {
        cp.cinder("--os-volume-api-version", "3.44", "attachment-complete", a.id()).requireSuccess();
    }

    /**
     * The whole round a compute host makes: attachment-create, login with CHAP, {@code use} on the
     * device, attachment-complete, logout, attachment-delete; waits until the volume is available
     * again and the storage node has no LIO object of it. Returns what {@code use} returned.
     */
    public <T> T overIscsi(String storageNode, String volumeId, Function<String, T> use) {
        Attachment a = attach(volumeId);
        T result;
        try {
            String device = login(a);
            try {
                result = use.apply(device);
                complete(a);
            } finally {
                logout(a);
            }
        } finally {
            cp.cinder("attachment-delete", a.id()).requireSuccess();
        }
        awaitVolumeStatus(volumeId, "available");
        awaitNoLioObjectsOf(storageNode, volumeId);
        return result;
    }

    /** sha256 of the first {@code mib} MiB of a device on the compute node (direct I/O). */
    public String checksumOf(String device, int mib) {
        return checksumOn(computeNode, device, mib);
    }

    /** sha256 of the first {@code mib} MiB of a block device (or file) on any node, read with direct I/O. */
    public String checksumOn(String node, String device, int mib) {
        return sha256(lab.execOk(node, "bash", "-c", "dd if=\"$1\" bs=1M count=" + mib + " iflag=direct status=none | sha256sum",
                "read", device));
    }

    /** Writes {@code mib} MiB of random data at the start of a device on {@code node}; returns its sha256. */
    public String writeRandom(String node, String device, int mib) {
        return sha256(lab.execOk(node, "bash", "-c", "dd if=/dev/urandom of=\"$1\" bs=1M count=" + mib
                + " oflag=direct status=none && dd if=\"$1\" bs=1M count=" + mib + " iflag=direct status=none | sha256sum",
                "write", device));
    }

    public static String sha256(String sha256sumOutput) {
        String sum = sha256sumOutput.strip().split("\\s+")[0];
        assertThat(sum).matches("[0-9a-f]{64}");
        return sum;
    }

    /** Neither target nor backstore of the volume in the node's LIO (configfs), waiting for an in-flight remove_export. */
    public void awaitNoLioObjectsOf(String node, String volumeId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(lab.execOk(node, "bash", "-c", "ls " + CONFIGFS + "/iscsi; ls " + CONFIGFS + "/core/iblock_* 2>/dev/null || true"))
                        .doesNotContain(volumeId));
    }

    // ------------------------------------------------------------------------------------------------
    // DB

    public Map<String, Object> volume(String id) {
        return db.single("SELECT * FROM volumes WHERE id = ?", id);
    }

    public Map<String, Object> snapshot(String id) {
        return db.single("SELECT * FROM snapshots WHERE id = ?", id);
    }

    /** Polls the DB until the volume reaches {@code status}; an unexpected error status fails at once with the worker's log. */
    public void awaitVolumeStatus(String id, String status) {
        awaitStatus("volume", () -> (String) volume(id).get("status"), id, status);
    }

    public void awaitSnapshotStatus(String id, String status) {
        awaitStatus("snapshot", () -> (String) snapshot(id).get("status"), id, status);
    }

    private void awaitStatus(String what, Supplier<String> current, String id, String status) {
        await().atMost(OPERATION).pollInterval(Duration.ofSeconds(1)).until(() -> {
            String s = current.get();
            if (s != null && s.startsWith("error") && !status.startsWith("error")) {
                throw new AssertionError(what + " " + id + " went to " + s + " while waiting for " + status + "\n" + workerLog.get());
            }
            return status.equals(s);
        });
    }

    public void awaitVolumeDeleted(String id) {
        await().atMost(OPERATION).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Object> row = volume(id);
            if (row.get("status") instanceof String s && s.startsWith("error")) {
                throw new AssertionError("volume " + id + " went to " + s + " while being deleted\n" + workerLog.get());
            }
            assertThat(row).as("volume %s", id).containsEntry("deleted", 1);
        });
    }

    public void awaitSnapshotDeleted(String id) {
        await().atMost(OPERATION).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            Map<String, Object> row = snapshot(id);
            if (row.get("status") instanceof String s && s.startsWith("error")) {
                throw new AssertionError("snapshot " + id + " went to " + s + " while being deleted\n" + workerLog.get());
            }
            assertThat(row).as("snapshot %s", id).containsEntry("deleted", 1);
        });
    }

    public String userMessages(String id) {
        return cp.cinder("message-list", "--resource_uuid", id).requireSuccess().stdout();
    }

    // ------------------------------------------------------------------------------------------------
    // LVM on a node

    /** {@code lvs --reportformat json} of a VG on a node, by LV name (lv_name, lv_size, lv_attr, pool_lv, lv_layout, origin). */
    public Map<String, JsonNode> lvs(String node, String vg) {
        String out = lab.execOk(node, "lvs", "--reportformat", "json", "--units", "b", "--nosuffix",
                "-o", "lv_name,lv_size,lv_attr,pool_lv,lv_layout,origin", vg);
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        try {
            for (JsonNode lv : JSON.readTree(out).path("report").path(0).path("lv")) {
                byName.put(lv.path("lv_name").asText(), lv);
            }
        } catch (IOException e) {
            throw new AssertionError("lvs printed no JSON: " + out, e);
        }
        return byName;
    }

    // ------------------------------------------------------------------------------------------------
    // CLI output

    /** Every {@code | key | value |} row of the CLI's tables (attachment-create prints two). */
    public static Map<String, String> table(String stdout) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            String[] cells = line.split("\\|");
            if (cells.length >= 3 && !cells[1].isBlank()) {
                String key = cells[1].strip();
                if (!key.equals("Property") && !key.equals("Key")) {
                    out.putIfAbsent(key, cells[2].strip());
                }
            }
        }
        return out;
    }

    public static String field(CliResult r, String name) {
        String v = table(r.stdout()).get(name);
        if (v == null) {
            throw new AssertionError("no " + name + " in " + r.stdout());
        }
        return v;
    }
}
