package org.ebsvolume.drivers.drbd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's resource files in drbdadm's include directory ({@value #DEFAULT_DIRECTORY} by
 * default, which Debian's {@code /etc/drbd.conf} includes as {@code drbd.d/*.res}). A file is
 * named {@code ebs-<resource>.res}, so the files of this service are told apart from any an
 * administrator keeps there, and they are the one record of which port and minor each resource
 * holds ({@link #readSlots}).
 */
public final class DrbdResourceFiles {

    public static final String DEFAULT_DIRECTORY = "/etc/drbd.d";
    static final String PREFIX = "ebs-";
    static final String SUFFIX = ".res";

    private static final Pattern MINOR_LINE = Pattern.compile("(?m)^\\s*device\\s+minor\\s+(\\d+)\\s*;");
    private static final Pattern ADDRESS_LINE = Pattern.compile("(?m)^\\s*address\\s+(?:ipv4\\s+)?[0-9.]+:(\\d+)\\s*;");
    private static final Pattern RESOURCE_LINE = Pattern.compile("(?m)^resource\\s+\"?([^\"\\s{]+)\"?\\s*\\{");

    private final Path directory;

    public DrbdResourceFiles(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Path directory() {
        return directory;
    }

    /** {@code <directory>/ebs-<resource>.res}. */
    public Path pathOf(String resourceName) {
        return directory.resolve(PREFIX + DrbdNames.requireResourceName(resourceName) + SUFFIX);
    }

    /**
     * Writes the resource's file so that drbdadm never reads a half-written one: drbdadm parses
     * every included {@code *.res} on every command, and one broken file fails them all (exit 10,
     * {@code file:line: Parse error}). The text goes to a temporary file whose name does not end
     * in {@code .res} (so the include glob skips it), created with mode 0600 (the handlers in it
     * run as root), flushed to disk, renamed over the old file, and the directory is flushed too:
     * in the lab a node cut off after an unflushed write came back with an empty {@code .res}.
     */
    public Path write(DrbdResourceConfig config, DrbdDialect dialect) throws DrbdResourceFileException {
        Path target = pathOf(config.resourceName());
        Path temp = directory.resolve("." + target.getFileName() + ".tmp");
        byte[] text = config.render(dialect).getBytes(StandardCharsets.US_ASCII);
        try {
            Files.createDirectories(directory);
            Files.deleteIfExists(temp);   // left over by a crash between create and rename
            try (FileChannel ch = FileChannel.open(temp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
                ByteBuffer buf = ByteBuffer.wrap(text);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            // The umask may have narrowed the mode at creation; 0600 is what we want, not less nor more.
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
            return target;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // The write failure is the one to report.
            }
            throw new DrbdResourceFileException(target, "cannot write: " + e, e);
        }
    }

    /** Removes the resource's file; false when there was none. */
    public boolean delete(String resourceName) throws DrbdResourceFileException {
        Path target = pathOf(resourceName);
        try {
            boolean deleted = Files.deleteIfExists(target);
            if (deleted) {
                forceDirectory();
            }
            return deleted;
        } catch (IOException e) {
            throw new DrbdResourceFileException(target, "cannot delete: " + e, e);
        }
    }

    public boolean exists(String resourceName) {
        return Files.exists(pathOf(resourceName));
    }

    /**
     * The port and minor of every resource that has a file here, read from the {@code device
     * minor N;} and {@code address IP:PORT;} lines this class writes. A file whose lines are
     * missing, disagree (two ports), or whose name does not match its {@code resource} line is an
     * error: guessing would risk handing its port out again.
     */
    public Map<String, DrbdSlot> readSlots() throws DrbdResourceFileException {
        Map<String, DrbdSlot> slots = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return slots;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, PREFIX + "*" + SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String resource = name.substring(PREFIX.length(), name.length() - SUFFIX.length());
                slots.put(resource, readSlot(file, resource));
            }
        } catch (NoSuchFileException e) {
            return slots;
        } catch (IOException e) {
            throw new DrbdResourceFileException(directory, "cannot list: " + e, e);
        }
        return slots;
    }

    private static DrbdSlot readSlot(Path file, String resource) throws DrbdResourceFileException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new DrbdResourceFileException(file, "cannot read: " + e, e);
        }
        Matcher named = RESOURCE_LINE.matcher(text);
        if (!named.find() || !named.group(1).equals(resource)) {
            throw new DrbdResourceFileException(file, "its resource line does not name " + resource, null);
        }
        Integer minor = single(file, MINOR_LINE.matcher(text), "device minor");
        Integer port = single(file, ADDRESS_LINE.matcher(text), "address port");
        try {
            return new DrbdSlot(port, minor);
        } catch (InvalidDrbdConfigException e) {
            throw new DrbdResourceFileException(file, e.getMessage(), e);
        }
    }

    /** The one value all matching lines agree on. */
    private static Integer single(Path file, Matcher m, String what) throws DrbdResourceFileException {
        Integer value = null;
        while (m.find()) {
            int v;
            try {
                v = Integer.parseInt(m.group(1));
            } catch (NumberFormatException e) {
                throw new DrbdResourceFileException(file, what + " '" + m.group(1) + "' is not a number", e);
            }
            if (value != null && value != v) {
                throw new DrbdResourceFileException(file, "two different values for " + what + ": " + value + " and " + v, null);
            }
            value = v;
        }
        if (value == null) {
            throw new DrbdResourceFileException(file, "no " + what + " line", null);
        }
        return value;
    }

    private void forceDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
