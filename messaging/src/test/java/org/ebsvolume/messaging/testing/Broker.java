package org.ebsvolume.messaging.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * The real local RabbitMQ the suite runs against (scripts/test starts it). Tests that need it call
 * {@link #requireRunning()}: an unreachable broker fails the test, it never skips it.
 */
public final class Broker {

    public static final String URL = "rabbit://guest:guest@127.0.0.1:5672/";

    private Broker() {
    }

    public static void requireRunning() {
        if (!listening()) {
            fail("RabbitMQ does not listen on 127.0.0.1:5672; scripts/test starts it (rabbitmq-server -detached)");
        }
    }

    public static boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5672), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A topic name no other test uses, so tests never see each other's messages. */
    public static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Deletes exchanges and queues a test made, over AMQP (rabbitmqctl takes a second per call). */
    public static void delete(List<String> exchanges, List<String> queues) {
        com.rabbitmq.client.ConnectionFactory cf = new com.rabbitmq.client.ConnectionFactory();
        cf.setHost("127.0.0.1");
        try (com.rabbitmq.client.Connection c = cf.newConnection("test-cleanup")) {
            for (String x : exchanges) {
                try (com.rabbitmq.client.Channel ch = c.createChannel()) {
                    ch.exchangeDelete(x);
                }
            }
            for (String q : queues) {
                try (com.rabbitmq.client.Channel ch = c.createChannel()) {
                    ch.queueDelete(q);
                }
            }
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            fail("cleaning up " + exchanges + " " + queues + ": " + e);
        }
    }

    /** Runs {@code rabbitmqctl -q <args>} and returns its stdout lines; fails the test if it fails. */
    public static List<String> rabbitmqctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("rabbitmqctl", "-q"));
        cmd.addAll(Arrays.asList(args));
        return run(cmd, Duration.ofSeconds(60));
    }

    public static List<String> run(List<String> cmd, Duration timeout) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish within " + timeout);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + text);
            }
            return text.lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            return fail("cannot run " + cmd + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted running " + cmd);
        }
    }
}
