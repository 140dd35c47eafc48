package org.ebsvolume.messaging;

import org.ebsvolume.messaging.testing.Broker;
import org.ebsvolume.messaging.transport.TransportConfig;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link RpcClient#consumers()} against the real broker: how a caller tells, before a call that
 * could only time out, that no server consumes the target's queue.
 */
class RpcClientConsumersTest {

    @Test
    void aQueueThatWasNeverDeclaredHasNoConsumer() throws Exception {
        Broker.requireRunning();
        try (Transport transport = Transport.open(TransportConfig.of(Broker.URL), 3)) {
            assertThat(transport.client(Target.topic(Broker.uniqueTopic("nobody")).withServer("s1")).consumers()).isZero();
            // The channel the broker closed for the unknown queue did not take the transport with it.
            assertThat(transport.client(Target.topic(Broker.uniqueTopic("nobody")).withServer("s2")).consumers()).isZero();
        }
    }

    @Test
    void aServingServerIsCountedAndAStoppedOneNoLonger() throws Exception {
        Broker.requireRunning();
        String topic = Broker.uniqueTopic("consumers");
        try (Transport transport = Transport.open(TransportConfig.of(Broker.URL), 3)) {
            RpcClient client = transport.client(Target.topic(topic).withServer("s1"));
            RpcServer server = transport.serve(Target.topic(topic).withServer("s1"),
                    List.of(Endpoint.builder("1.0").method("ping", (ctx, args) -> "pong").build()));
            assertThat(client.consumers()).isEqualTo(1);

            server.stop();
            // The queue outlives its consumer (oslo's queues are not auto-delete): a call would wait in it.
            assertThat(client.consumers()).isZero();
        } finally {
            Broker.delete(List.of(), List.of(topic, topic + ".s1"));
        }
    }

    @Test
    void aFanoutTargetHasNoQueueToAsk() throws Exception {
        Broker.requireRunning();
        try (Transport transport = Transport.open(TransportConfig.of(Broker.URL), 3)) {
            RpcClient fanout = transport.client(Target.topic("t").withFanout(true));
            assertThatThrownBy(fanout::consumers).isInstanceOf(IllegalStateException.class);
        }
    }
}
