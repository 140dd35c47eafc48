package org.ebsvolume.messaging.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RabbitOptionsTest {

    @Test
    void defaultsAreOslos() {
        RabbitOptions d = RabbitOptions.defaults();

        assertThat(d.ssl()).isFalse();
        assertThat(d.heartbeatTimeoutThreshold()).isEqualTo(60);
        assertThat(d.heartbeatRate()).isEqualTo(2);
        assertThat(d.rabbitTransientQueuesTtl()).isEqualTo(1800);
        assertThat(d.kombuFailoverStrategy()).isEqualTo("round-robin");
        assertThat(d.rabbitLoginMethod()).isEqualTo("AMQPLAIN");
        assertThat(d.kombuReconnectDelay()).isEqualTo(1.0);
        assertThat(d.directMandatoryFlag()).isTrue();
        assertThat(d.rpcConnPoolSize()).isEqualTo(30);
        assertThat(d.kombuCompression()).isEmpty();
    }

    @Test
    void emptySectionGivesTheDefaults() {
        assertThat(RabbitOptions.fromConfig(Map.of())).isEqualTo(RabbitOptions.defaults());
    }

    @ParameterizedTest
    @CsvSource({"true,true", "YES,true", "On,true", "1,true", "false,false", "no,false", "OFF,false", "0,false"})
    void booleansAcceptOsloSpellingsInAnyCase(String raw, boolean expected) {
        assertThat(RabbitOptions.fromConfig(Map.of("amqp_durable_queues", raw)).amqpDurableQueues())
                .isEqualTo(expected);
    }

    @Test
    void badBooleanNamesOptionValueAndWhatIsExpected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("rabbit_ha_queues", "maybe")))
                .isInstanceOfSatisfying(InvalidRabbitOptionException.class,
                        e -> assertThat(e.option()).isEqualTo("rabbit_ha_queues"))
                .hasMessageContaining("rabbit_ha_queues")
                .hasMessageContaining("'maybe'")
                .hasMessageContaining("true/false");
    }

    @Test
    void integersFollowPythonIntSyntax() {
        assertThat(RabbitOptions.fromConfig(Map.of("rabbit_qos_prefetch_count", " +1_000 ")).rabbitQosPrefetchCount())
                .isEqualTo(1000);
    }

    @Test
    void decimalForAnIntegerOptionIsRejected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("heartbeat_timeout_threshold", "1.5")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("expected an integer");
    }

    @Test
    void transientQueueTtlBelowOneIsRejected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("rabbit_transient_queues_ttl", "0")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("rabbit_transient_queues_ttl")
                .hasMessageContaining("must be >= 1");
    }

    @Test
    void reconnectDelayAboveOslosLimitIsRejected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("kombu_reconnect_delay", "5")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("must be <= 4.5");
    }

    @Test
    void nonFiniteFloatIsRejected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("kombu_reconnect_delay", "nan")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("finite");
    }

    @Test
    void blankNumberIsRejectedInsteadOfBecomingNone() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("heartbeat_timeout_threshold", " ")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("default 60");
    }

    @Test
    void heartbeatRateBelowOneIsRejected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("heartbeat_rate", "0")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("heartbeat_rate");
    }

    @Test
    void failoverStrategyIsACaseSensitiveChoice() {
        assertThat(RabbitOptions.fromConfig(Map.of("kombu_failover_strategy", "shuffle")).kombuFailoverStrategy())
                .isEqualTo("shuffle");
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("kombu_failover_strategy", "Shuffle")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("round-robin, shuffle");
    }

    @Test
    void loginMethodMustBeOneOfOslosChoices() {
        assertThat(RabbitOptions.fromConfig(Map.of("rabbit_login_method", "EXTERNAL")).rabbitLoginMethod())
                .isEqualTo("EXTERNAL");
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("rabbit_login_method", "plain")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("PLAIN, AMQPLAIN, EXTERNAL, RABBIT-CR-DEMO");
    }

    @Test
    void quorumMemoryBytesHoldSixtyFourBitValues() {
        assertThat(RabbitOptions.fromConfig(Map.of("rabbit_quroum_max_memory_bytes", "8589934592"))
                .rabbitQuroumMaxMemoryBytes()).isEqualTo(8_589_934_592L);
    }

    @Test
    void haAndQuorumTogetherAreRejected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(
                Map.of("rabbit_ha_queues", "true", "rabbit_quorum_queue", "true")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("rabbit_ha_queues")
                .hasMessageContaining("rabbit_quorum_queue");
    }

    @Test
    void poolSmallerThanItsMinimumIsRejected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("rpc_conn_pool_size", "1")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("conn_pool_min_size = 2");
    }

    @Test
    void fipsModeWithTlsIsRejected() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("ssl", "true", "ssl_enforce_fips_mode", "true")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("ssl_enforce_fips_mode");
    }

    @Test
    void fipsModeWithoutTlsIsIgnoredLikeOsloDoes() {
        assertThat(RabbitOptions.fromConfig(Map.of("ssl_enforce_fips_mode", "true")).sslEnforceFipsMode()).isTrue();
    }

    @Test
    void unknownSslVersionIsRejectedWhenTlsIsOn() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("ssl", "1", "ssl_version", "SSLv3")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("ssl_version = 'SSLv3'")
                .hasMessageContaining("TLSv1_2");
    }

    @Test
    void unknownSslVersionIsIgnoredWhenTlsIsOff() {
        assertThat(RabbitOptions.fromConfig(Map.of("ssl_version", "SSLv3")).sslVersion()).isEqualTo("SSLv3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"use_queue_manager", "rabbit_transient_quorum_queue", "rabbit_stream_fanout",
        "hostname", "processname", "kombu_reconnect_splay"})
    void optionsOfLaterOsloReleasesAreRejected(String option) {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of(option, "true")))
                .isInstanceOfSatisfying(InvalidRabbitOptionException.class,
                        e -> assertThat(e.option()).isEqualTo(option))
                .hasMessageContaining("not supported by oslo.messaging 14 (Debian 12)");
    }

    @Test
    void correctlySpelledQuorumMemoryOptionPointsToTheMisspelledOne() {
        assertThatThrownBy(() -> RabbitOptions.fromConfig(Map.of("rabbit_quorum_max_memory_length", "5")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("rabbit_quroum_max_memory_length");
    }

    @Test
    void deprecatedNameIsAccepted() {
        assertThat(RabbitOptions.fromConfig(Map.of("kombu_ssl_ca_certs", "/etc/ssl/ca.pem")).sslCaFile())
                .isEqualTo("/etc/ssl/ca.pem");
    }

    @Test
    void currentNameWinsOverDeprecatedName() {
        Map<String, String> section = new LinkedHashMap<>();
        section.put("ssl", "false");
        section.put("rabbit_use_ssl", "true");

        assertThat(RabbitOptions.fromConfig(section).ssl()).isFalse();
    }

    @Test
    void unknownFileOptionIsIgnoredLikeOsloConfigDoes() {
        assertThat(RabbitOptions.fromConfig(Map.of("rabbit_hosts", "mq1,mq2"))).isEqualTo(RabbitOptions.defaults());
    }

    @Test
    void queryOverridesFileOptions() {
        RabbitOptions file = RabbitOptions.fromConfig(Map.of("ssl", "false", "heartbeat_timeout_threshold", "10"));

        RabbitOptions effective = file.withUrlQuery(Map.of("ssl", "1", "heartbeat_timeout_threshold", "30"));

        assertThat(effective.ssl()).isTrue();
        assertThat(effective.heartbeatTimeoutThreshold()).isEqualTo(30);
    }

    @Test
    void optionsNotInTheQueryKeepTheirFileValues() {
        RabbitOptions file = RabbitOptions.fromConfig(Map.of("rabbit_qos_prefetch_count", "8"));

        assertThat(file.withUrlQuery(Map.of("ssl", "1")).rabbitQosPrefetchCount()).isEqualTo(8);
    }

    @Test
    void unknownQueryKeyIsRejected() {
        assertThatThrownBy(() -> RabbitOptions.defaults().withUrlQuery(Map.of("rpc_response_timeout", "5")))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("'rpc_response_timeout'");
    }

    @Test
    void deprecatedNameInQueryIsRejectedLikeOsloDoes() {
        assertThatThrownBy(() -> RabbitOptions.defaults().withUrlQuery(Map.of("rabbit_use_ssl", "1")))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("use 'ssl'");
    }

    @Test
    void laterReleaseOptionInQueryIsRejectedAsUnsupported() {
        assertThatThrownBy(() -> RabbitOptions.defaults().withUrlQuery(Map.of("rabbit_stream_fanout", "1")))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("not supported by oslo.messaging 14 (Debian 12)");
    }

    @Test
    void badQueryValueSaysItCameFromTheUrl() {
        assertThatThrownBy(() -> RabbitOptions.defaults().withUrlQuery(Map.of("rabbit_transient_queues_ttl", "0")))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("transport_url query");
    }

    @Test
    void repeatedQueryKeyIsNotABoolean() {
        TransportUrl url = TransportUrl.parse("rabbit://mq1/?ssl=1&ssl=0");

        assertThatThrownBy(() -> RabbitOptions.defaults().withUrlQuery(url.query()))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("'1,0'");
    }

    @Test
    void quorumQueuesAreDurableEvenWithoutDurableQueues() {
        assertThat(RabbitOptions.defaults().durable()).isFalse();
        assertThat(RabbitOptions.fromConfig(Map.of("rabbit_quorum_queue", "true")).durable()).isTrue();
        assertThat(RabbitOptions.fromConfig(Map.of("amqp_durable_queues", "true")).durable()).isTrue();
    }

    @Test
    void heartbeatTimeoutIsTheThresholdInSeconds() {
        assertThat(RabbitOptions.defaults().heartbeatTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void nonPositiveHeartbeatThresholdMeansNoHeartbeat() {
        assertThat(RabbitOptions.fromConfig(Map.of("heartbeat_timeout_threshold", "-1")).heartbeatTimeout())
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void directConstructionStillChecksRanges() {
        RabbitOptions d = RabbitOptions.defaults();

        assertThatThrownBy(() -> new RabbitOptions(d.ssl(), d.sslVersion(), d.sslKeyFile(), d.sslCertFile(),
                d.sslCaFile(), d.sslEnforceHostnameVerification(), d.sslEnforceFipsMode(), d.heartbeatInPthread(),
                d.kombuReconnectDelay(), d.kombuCompression(), d.kombuMissingConsumerRetryTimeout(),
                d.kombuFailoverStrategy(), d.rabbitLoginMethod(), d.rabbitRetryInterval(), d.rabbitRetryBackoff(),
                d.rabbitIntervalMax(), d.rabbitHaQueues(), d.rabbitQuorumQueue(), d.rabbitQuorumDeliveryLimit(),
                d.rabbitQuroumMaxMemoryLength(), d.rabbitQuroumMaxMemoryBytes(), 0,
                d.rabbitQosPrefetchCount(), d.heartbeatTimeoutThreshold(), d.heartbeatRate(),
                d.directMandatoryFlag(), d.enableCancelOnFailover(), d.amqpDurableQueues(), d.amqpAutoDelete(),
                d.rpcConnPoolSize(), d.connPoolMinSize(), d.connPoolTtl()))
                .isInstanceOf(InvalidRabbitOptionException.class)
                .hasMessageContaining("rabbit_transient_queues_ttl");
    }
}
