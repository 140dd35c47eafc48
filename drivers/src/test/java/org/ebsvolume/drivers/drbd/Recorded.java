package org.ebsvolume.drivers.drbd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One recorded command from the test resources (see their README): the command line, its exit
 * code, stdout and stderr, in files of the form
 * <pre>
 * #### command
 * nodea$ drbdadm primary volume-…
 * #### rc
 * 11
 * #### stdout
 * #### stderr
 * 1000: State change failed: (-1) Multiple primaries not allowed by config
 * </pre>
 * Plain output fixtures (no {@code ####} header) are read with {@link #text}.
 */
public record Recorded(String command, int rc, String stdout, String stderr) {

    /** A capture recorded in the project's lab on DRBD 8.4.11 ({@code lab-drbd84/}). */
    public static Recorded lab84(String name) {
        return parse(text("lab-drbd84/" + name + ".txt"));
    }

    /** A capture written in DRBD 9.2's format ({@code drbd9/}). */
    static Recorded drbd9(String name) {
        return parse(text("drbd9/" + name + ".txt"));
    }

    /** A fixture's whole text. */
    static String text(String path) {
        try (InputStream in = Recorded.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Recorded parse(String text) {
        String section = null;
        String command = "";
        int rc = 0;
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("#### ")) {
                section = line.substring(5).strip();
                continue;
            }
            if (section == null) {
                throw new IllegalArgumentException("a recorded capture starts with '#### command'");
            }
            switch (section) {
                case "command" -> command = command.isEmpty() ? line : command;
                case "rc" -> rc = line.isBlank() ? rc : Integer.parseInt(line.strip());
                case "stdout" -> out.add(line);
                case "stderr" -> err.add(line);
                default -> throw new IllegalArgumentException("unknown section " + section);
            }
        }
        return new Recorded(command, rc, join(out), join(err));
    }

    /** The lines as the program printed them: each ends with a newline. */
    private static String join(List<String> lines) {
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
