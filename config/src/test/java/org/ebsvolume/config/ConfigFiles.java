package org.ebsvolume.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Config files in a temporary directory, loaded the way the launcher loads them but on a machine
 * that is always "node-1" at 192.0.2.10, with no environment variables unless a test sets some
 * and an empty home and /etc, so nothing of the real machine leaks into a test.
 */
final class ConfigFiles {

    /** A minimal valid cinder.conf without its backend section; ends in [DEFAULT] so tests can add to it. */
    static final String BASE = """
            [database]
            connection = mysql+pymysql://cinder:db-secret@192.0.2.2/cinder?charset=utf8
            [DEFAULT]
            host = node-1
            my_ip = 192.0.2.10
            enabled_backends = EBS
            transport_url = rabbit://openstack:rabbit-secret@192.0.2.1:5672/
            """;

    static final String EXAMPLE_SECTION = """
            [EBS]
            volume_driver = cinder.volume.drivers.ebs.EBSDriver
            volume_backend_name = ebs
            volume_group = cinder-volumes
            lvm_type = thin
            target_helper = lioadm
            target_protocol = iscsi
            target_ip_address = 10.0.0.11
            target_secondary_ip_addresses = 10.0.1.11
            target_port = 3260
            backend_id = hci-0001
            backend_ip = 10.0.0.11
            backend_port = 8800
            replication_mode = full-sync
            replication_resync_rate = 100M
            replication_starting_port = 7789
            replication_device = backend_id:hci-0002,ip:10.0.0.12,port:8800,volume_group:cinder-volumes,secret:change-me-0123456789
            """;

    final Path dir;
    final Map<String, String> environment = new HashMap<>();

    ConfigFiles(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir.resolve("home"));
            Files.createDirectories(dir.resolve("etc"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a file (creating its directory) and returns its path. */
    Path write(String name, String text) {
        Path file = dir.resolve(name);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    MachineEnvironment machine() {
        return new MachineEnvironment(() -> "node-1", () -> "192.0.2.10", Map.copyOf(environment), dir.resolve("home"));
    }

    CommandLine commandLine(String... args) throws InvalidConfigException {
        return CommandLine.parse(List.of(args), dir.resolve("home"), dir.resolve("etc"));
    }

    CinderConfig load(String... args) throws InvalidConfigException {
        return ConfigLoader.load(commandLine(args), machine());
    }

    /** Loads a single file holding {@code text}. */
    CinderConfig loadText(String text) throws InvalidConfigException {
        return load("--config-file", write("cinder.conf", text).toString());
    }

    /** The problems loading {@code text} gives, rendered; fails if it loads. */
    List<String> problems(String text) {
        return problemsLoading("--config-file", write("cinder.conf", text).toString());
    }

    /** The problems loading with these arguments gives, rendered; fails if it loads. */
    List<String> problemsLoading(String... args) {
        try {
            load(args);
        } catch (InvalidConfigException e) {
            List<String> lines = new ArrayList<>();
            e.problems().forEach(p -> lines.add(p.toString()));
            return lines;
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    String path(String name) {
        return dir.resolve(name).toString();
    }
}
