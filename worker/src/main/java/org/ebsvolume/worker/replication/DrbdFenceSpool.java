package org.ebsvolume.worker.replication;

import org.ebsvolume.drivers.drbd.DrbdFenceAnswer;
import org.ebsvolume.drivers.drbd.DrbdNames;
import org.ebsvolume.drivers.drbd.InvalidDrbdConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The directory through which DRBD's fence-peer handler ({@code bin/ebs-drbd-handler}, run by
 * the kernel as root) asks this worker whether a resource may write without its peer: the
 * handler drops {@code <resource>.request}, the worker writes {@code <resource>.answer} (the
 * handler's exit code) and removes the request. Files, not a socket, so that the handler is a
 * few lines of shell with nothing to install, and a question asked while the worker restarts
 * is still there when it comes back.
 */
public final class DrbdFenceSpool {

    private static final Logger LOG = LoggerFactory.getLogger(DrbdFenceSpool.class);
    /** Where the installed handler looks (systemd's RuntimeDirectory=ebs-volume). */
    public static final Path DEFAULT_DIR = Path.of("/run/ebs-volume/drbd-fence");
    private static final String REQUEST = ".request";
    private static final String ANSWER = ".answer";

    private final Path dir;

    public DrbdFenceSpool(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir");
    }

    public Path dir() {
        return dir;
    }

    /** Creates the directory if needed. */
    public DrbdFenceSpool open() throws IOException {
        Files.createDirectories(dir);
        return this;
    }

    /**
     * Resources whose handler waits for an answer. A request whose name is not a resource name
     * is removed and reported (the handler refuses such names itself; nothing else should write here).
     */
    public List<String> pending() throws IOException {
        List<String> resources = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return resources;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + REQUEST)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String res = name.substring(0, name.length() - REQUEST.length());
                try {
                    DrbdNames.requireResourceName(res);
                    resources.add(res);
                } catch (InvalidDrbdConfigException e) {
                    LOG.error("DRBD fence spool {}: removing {}: {}", dir, name, e.getMessage());
                    Files.deleteIfExists(f);
                }
            }
        }
        resources.sort(null);
        return resources;
    }

    /** Answers the handler waiting for {@code resource}: the answer appears whole (rename), then the request goes. */
    public void answer(String resource, DrbdFenceAnswer answer) throws IOException {
        DrbdNames.requireResourceName(resource);
        Path tmp = dir.resolve("." + resource + ".answer.tmp");
        Files.writeString(tmp, answer.exitCode() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve(resource + ANSWER), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(dir.resolve(resource + REQUEST));
    }
}
