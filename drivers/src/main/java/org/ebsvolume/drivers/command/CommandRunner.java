package org.ebsvolume.drivers.command;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The one way storage commands are run, like Cinder's rootwrap: an argument list (never a shell
 * string), a binary that must be on the allow-list, an optional root-helper prefix such as
 * {@code sudo}, a timeout, and both output streams captured. Values that look like secrets are
 * masked in every log line and error message.
 */
public final class CommandRunner implements CommandExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);
    private static final int MAX_CAPTURE = 4 * 1024 * 1024;
    /** Arguments following these words are secrets (targetcli CHAP, tgtadm passwords). */
    private static final Pattern SECRET_WORD = Pattern.compile("(?i).*(password|passwd|secret|auth_key|chap).*");

    private final Set<String> allowedBinaries;
    private final List<String> rootHelper;
    private final Duration defaultTimeout;

    public CommandRunner(Set<String> allowedBinaries, List<String> rootHelper, Duration defaultTimeout) {
        this.allowedBinaries = Set.copyOf(allowedBinaries);
        this.rootHelper = List.copyOf(rootHelper);
        this.defaultTimeout = Objects.requireNonNull(defaultTimeout);
        for (String b : this.allowedBinaries) {
            if (b.contains("/") || b.isBlank()) {
                throw new IllegalArgumentException("allow-list entries are bare binary names, got '" + b + "'");
            }
        }
    }

    /**
     * Runs {@code argv} and returns its result when it exits 0; {@code stdin} (a secret, never
     * logged) is written to its standard input and closed, and a {@code null} timeout is this
     * runner's default.
     *
     * @throws CommandFailedException non-zero exit, timeout, not allowed, or could not start;
     *                                the exception carries the (masked) command and its stderr
     */
    @Override
    public CommandResult run(List<String> argv, String stdin, Duration timeout) throws CommandFailedException {
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        String binary = argv.get(0);
        String shown = mask(argv);
        if (!allowedBinaries.contains(binary)) {
            throw new CommandFailedException(shown, -1, "", "'" + binary + "' is not on the allow-list " + allowedBinaries);
        }
        for (String a : argv) {
            if (a.indexOf('\0') >= 0) {
                throw new CommandFailedException(shown, -1, "", "argument contains a NUL byte");
            }
        }
        Duration limit = timeout == null ? defaultTimeout : timeout;
        List<String> full = new ArrayList<>(rootHelper);
        full.addAll(argv);
        long started = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(full).start();
        } catch (IOException e) {
            throw new CommandFailedException(shown, -1, "", "cannot start: " + e.getMessage());
        }
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // The child may already be gone; its exit status tells the rest.
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new CommandFailedException(shown, -1, err.getNow(""), "timed out after " + limit);
            }
            String stdout = out.get(10, TimeUnit.SECONDS);
            String stderr = err.get(10, TimeUnit.SECONDS);
            int code = process.exitValue();
            LOG.debug("CMD \"{}\" returned: {} in {} ms", shown, code, (System.nanoTime() - started) / 1_000_000);
            if (code != 0) {
                throw new CommandFailedException(shown, code, stderr, "exit code " + code);
            }
            return new CommandResult(shown, code, stdout, stderr);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandFailedException(shown, -1, "", "interrupted");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new CommandFailedException(shown, -1, "", "cannot read output: " + e);
        }
    }

    private static String drain(InputStream in) {
        try {
            byte[] b = in.readNBytes(MAX_CAPTURE);
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The command as an operator may see it: secret-looking values replaced by {@code ***}. */
    static String mask(List<String> argv) {
        StringBuilder sb = new StringBuilder();
        boolean hideNext = false;
        for (String a : argv) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            int eq = a.indexOf('=');
            if (hideNext && a.matches("--?[a-z]{1,2}")) {
                // iscsiadm -n node.session.auth.password -v <secret>: the secret follows the flag
                sb.append(a);
            } else if (hideNext) {
                sb.append("***");
                hideNext = false;
            } else if (eq > 0 && SECRET_WORD.matcher(a.substring(0, eq)).matches()) {
                sb.append(a, 0, eq + 1).append("***");
            } else {
                sb.append(a);
                hideNext = SECRET_WORD.matcher(a).matches() && !a.contains("=");
            }
        }
        return sb.toString();
    }
}
