package org.ebsvolume.messaging.impl;

import com.rabbitmq.client.Channel;
import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.transport.RabbitOptions;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Connection set-up against the real local broker. */
class BrokerConnectionTest {

    @Test
    void failsOverToAHostThatAnswers() throws Exception {
        Broker.requireRunning();
        int deadPort = unusedPort();
        // Whichever order the shuffle picks, the live broker must be reached.
        TransportConfig config = TransportConfig.of("rabbit://guest:guest@127.0.0.1:" + deadPort
                + ",guest:guest@127.0.0.1:5672/?rabbit_retry_interval=1&rabbit_retry_backoff=0&kombu_reconnect_delay=0");
        for (int i = 0; i < 4; i++) {
            try (BrokerConnection c = BrokerConnection.open(config, "test", 3)) {
                assertThat(c.isOpen()).isTrue();
                Channel ch = c.createChannel();
                assertThat(ch.isOpen()).isTrue();
            }
        }
    }

    @Test
    void givesUpAfterTheAttemptsItWasAllowedWithoutShowingThePassword() throws Exception {
        int deadPort = unusedPort();
        TransportConfig config = TransportConfig.of("rabbit://guest:Pa55word@127.0.0.1:" + deadPort
                + "/?rabbit_retry_interval=1&rabbit_retry_backoff=0&kombu_reconnect_delay=0");
        List<Duration> waits = new ArrayList<>();
        assertThatThrownBy(() -> BrokerConnection.open(config, "test", 2, null, waits::add))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("after 2 attempt(s)")
                .hasMessageNotContaining("Pa55word");
        // One wait between the two attempts, rabbit_retry_interval long; none after the last.
        assertThat(waits).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void wrongCredentialsFailClearly() {
        Broker.requireRunning();
        TransportConfig config = TransportConfig.of("rabbit://guest:wrong@127.0.0.1:5672/?rabbit_retry_interval=1&rabbit_retry_backoff=0&kombu_reconnect_delay=0");
        assertThatThrownBy(() -> BrokerConnection.open(config, "test", 1))
                .isInstanceOf(IOException.class)
                .hasMessageNotContaining(":wrong@");
    }

    @Test
    void backoffFollowsOslosSchedule() {
        OsloBackoff b = OsloBackoff.of(RabbitOptions.defaults());
        assertThat(b.getDelay(0)).isEqualTo(2000);   // 1 s + kombu_reconnect_delay 1 s
        assertThat(b.getDelay(1)).isEqualTo(4000);   // 1 + 2
        assertThat(b.getDelay(20)).isEqualTo(31000); // capped at rabbit_interval_max 30
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
