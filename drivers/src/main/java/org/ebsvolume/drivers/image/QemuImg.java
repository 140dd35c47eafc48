package org.ebsvolume.drivers.image;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.ebsvolume.drivers.command.CommandExecutor;
import org.ebsvolume.drivers.command.CommandFailedException;
import org.ebsvolume.drivers.command.CommandRunner;

/**
 * The two qemu-img commands image copies need, run through the {@link CommandRunner} as
 * argument lists. Formats are always named explicitly where the data is trusted to be in one,
 * so that qemu-img never "probes" a volume's content (a raw volume whose first bytes look like a
 * qcow2 header must stay raw).
 */
final class QemuImg {

    static final String BINARY = "qemu-img";

    private final CommandExecutor runner;
    private final Duration infoTimeout;
    private final Duration convertTimeout;

    QemuImg(CommandExecutor runner, Duration infoTimeout, Duration convertTimeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.infoTimeout = Objects.requireNonNull(infoTimeout, "infoTimeout");
        this.convertTimeout = Objects.requireNonNull(convertTimeout, "convertTimeout");
    }

    /** A qemu-img run that failed, or printed what we could not read. */
    static final class QemuImgException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String command;
        private final String stderr;

        QemuImgException(String message, String command, String stderr, Throwable cause) {
            super(message, cause);
            this.command = command;
            this.stderr = stderr == null ? "" : stderr.strip();
        }

        /** The command line (masked by the runner) and stderr, for an exception's context. */
        String context() {
            return command + (stderr.isEmpty() ? "" : ": " + stderr);
        }

        String stderr() {
            return stderr;
        }
    }

    /**
     * {@code qemu-img info --output=json [-f FORMAT] PATH}. Without a format qemu-img detects it:
     * that is how the real format of an image downloaded from Glance is learnt, whatever its
     * disk_format says. Detection only reads headers; nothing is converted here.
     */
    QemuImageInfo info(Path path, String formatOrNull) throws QemuImgException {
        List<String> argv = new ArrayList<>(List.of(BINARY, "info", "--output=json"));
        if (formatOrNull != null) {
            argv.add("-f");
            argv.add(formatOrNull);
        }
        argv.add(path.toString());
        String out;
        String command = String.join(" ", argv);
        try {
            out = runner.run(argv, infoTimeout).stdout();
        } catch (CommandFailedException e) {
            throw new QemuImgException("qemu-img info failed (" + e.getMessage() + ")", e.command(), e.stderr(), e);
        }
        try {
            return QemuImageInfo.parse(out);
        } catch (IOException e) {
            throw new QemuImgException("cannot read qemu-img info's output: " + e.getMessage(), command, "", e);
        }
    }

    /**
     * {@code qemu-img convert -O OUT [-t none] [-c] -f IN SRC DEST}, the argument order of Cinder's
     * _get_qemu_convert_cmd.
     *
     * @param directIo  {@code -t none}: write the target with O_DIRECT so that everything is on the
     *                  device when qemu-img exits (see {@link ImageCopier} for when)
     * @param compress  {@code -c}: compressed qcow2 clusters (only meaningful for qcow2 output)
     */
    void convert(Path source, String sourceFormat, Path target, String targetFormat, boolean directIo,
                 boolean compress) throws QemuImgException {
        List<String> argv = new ArrayList<>(List.of(BINARY, "convert", "-O", targetFormat));
        if (directIo) {
            argv.add("-t");
            argv.add("none");
        }
        if (compress) {
            argv.add("-c");
        }
        argv.add("-f");
        argv.add(sourceFormat);
        argv.add(source.toString());
        argv.add(target.toString());
        try {
            runner.run(argv, convertTimeout);
        } catch (CommandFailedException e) {
            throw new QemuImgException("qemu-img convert failed (" + e.getMessage() + ")", e.command(), e.stderr(), e);
        }
    }
}
