package org.ebsvolume.messaging.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportUrlTest {

    @Test
    void parsesSeveralHostsWithTheirOwnCredentials() {
        TransportUrl url = TransportUrl.parse("rabbit://u1:p1@mq1:5672,u2:p2@mq2:5673,mq3/openstack");

        assertThat(url.transport()).isEqualTo("rabbit");
        assertThat(url.hosts()).containsExactly(
                new TransportHost("mq1", 5672, "u1", "p1"),
                new TransportHost("mq2", 5673, "u2", "p2"),
                new TransportHost("mq3", null, null, null));
        assertThat(url.virtualHost()).isEqualTo("openstack");
    }

    @Test
    void emptyPathMeansDefaultVirtualHost() {
        TransportUrl url = TransportUrl.parse("rabbit://u:p@h:5672/");

        assertThat(url.virtualHost()).isEmpty();
        assertThat(url.effectiveVirtualHost()).isEqualTo("/");
    }

    @Test
    void missingPathMeansDefaultVirtualHost() {
        TransportUrl url = TransportUrl.parse("rabbit://u:p@h:5672");

        assertThat(url.virtualHost()).isEmpty();
        assertThat(url.effectiveVirtualHost()).isEqualTo("/");
    }

    @Test
    void doubleSlashMeansSlashVirtualHost() {
        assertThat(TransportUrl.parse("rabbit://u:p@h:5672//").virtualHost()).isEqualTo("/");
    }

    @Test
    void escapedSlashInPathIsUnquoted() {
        assertThat(TransportUrl.parse("rabbit://h/a%2Fb").virtualHost()).isEqualTo("a/b");
    }

    @Test
    void kombuUnquotesTheVirtualHostASecondTime() {
        TransportUrl url = TransportUrl.parse("rabbit://h/a%2541");

        assertThat(url.virtualHost()).isEqualTo("a%41");
        assertThat(url.effectiveVirtualHost()).isEqualTo("aA");
    }

    @Test
    void passwordIsUrlUnquoted() {
        TransportHost host = TransportUrl.parse("rabbit://us%40er:p%3Aw%25d+x@h/").hosts().get(0);

        assertThat(host.username()).isEqualTo("us@er");
        // unquote, not unquote_plus: '+' is a literal plus in credentials
        assertThat(host.password()).isEqualTo("p:w%d+x");
    }

    @Test
    void credentialsAreSplitAtTheLastAtSignAndTheFirstColon() {
        TransportHost host = TransportUrl.parse("rabbit://user:p@ss:w@h:5672/").hosts().get(0);

        assertThat(host).isEqualTo(new TransportHost("h", 5672, "user", "p@ss:w"));
    }

    @Test
    void usernameWithoutPasswordLeavesPasswordNull() {
        assertThat(TransportUrl.parse("rabbit://user@h/").hosts().get(0))
                .isEqualTo(new TransportHost("h", null, "user", null));
    }

    @Test
    void ipv6HostsAreWrittenInBrackets() {
        TransportUrl url = TransportUrl.parse("rabbit://u:p@[::1]:5672,u:p@[fe80::2%25eth0]/");

        assertThat(url.hosts()).extracting(TransportHost::hostname).containsExactly("::1", "fe80::2%25eth0");
        assertThat(url.hosts()).extracting(TransportHost::port).containsExactly(5672, null);
    }

    @Test
    void ipv6HostAfterANamedHostIsRejectedLikePythonDoes() {
        assertThatThrownBy(() -> TransportUrl.parse("rabbit://mq1:5672,[::1]:5672/"))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("Python");
    }

    @Test
    void ipv4AddressInBracketsIsRejected() {
        assertThatThrownBy(() -> TransportUrl.parse("rabbit://[10.0.0.1]:5672/"))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("IPv4 address cannot be in brackets");
    }

    @Test
    void missingPortIsNullAndEffectivelyTheAmqpPort() {
        TransportUrl url = TransportUrl.parse("rabbit://u:p@h/");

        assertThat(url.hosts().get(0).port()).isNull();
        assertThat(url.effectiveHosts().get(0).port()).isEqualTo(5672);
    }

    @Test
    void portZeroEffectivelyMeansTheAmqpPort() {
        assertThat(TransportUrl.parse("rabbit://h:0/").effectiveHosts().get(0).port()).isEqualTo(5672);
    }

    @Test
    void noHostsMeansGuestOnLocalhost() {
        TransportUrl url = TransportUrl.parse("rabbit://");

        assertThat(url.hosts()).isEmpty();
        assertThat(url.effectiveHosts()).containsExactly(new TransportHost("localhost", 5672, "guest", "guest"));
    }

    @Test
    void hostWithoutCredentialsLogsInAsGuest() {
        assertThat(TransportUrl.parse("rabbit://mq1/").effectiveHosts())
                .containsExactly(new TransportHost("mq1", 5672, "guest", "guest"));
    }

    @Test
    void effectiveHostNameIsLowerCasedAndZoneUnquotedLikeKombu() {
        assertThat(TransportUrl.parse("rabbit://u:p@MQ1.Example.COM,u:p@[FE80::1%25Eth0]/").effectiveHosts())
                .extracting(TransportHost::hostname)
                .containsExactly("mq1.example.com", "fe80::1%Eth0");
    }

    @Test
    void hostWithCredentialsButNoHostNameCannotBeConnectedTo() {
        TransportUrl url = TransportUrl.parse("rabbit://u:secret@/");

        assertThat(url.hosts()).containsExactly(new TransportHost(null, null, "u", "secret"));
        assertThatThrownBy(url::effectiveHosts)
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("host #1")
                .hasMessageNotContaining("secret");
    }

    @Test
    void repeatedQueryKeysAreJoinedWithComma() {
        assertThat(TransportUrl.parse("rabbit://h/?a=1&b=2&a=3").query())
                .containsExactly(entry("a", "1,3"), entry("b", "2"));
    }

    @Test
    void plusInQueryMeansSpace() {
        assertThat(TransportUrl.parse("rabbit://h/?a=x+y%2Bz").query()).containsExactly(entry("a", "x y+z"));
    }

    @Test
    void queryKeysWithoutValueAreDropped() {
        assertThat(TransportUrl.parse("rabbit://h/?empty=&bare&ssl=1").query()).containsExactly(entry("ssl", "1"));
    }

    @Test
    void fragmentIsNotPartOfTheQuery() {
        assertThat(TransportUrl.parse("rabbit://h/v?ssl=1#ssl=0").query()).containsExactly(entry("ssl", "1"));
    }

    @Test
    void kombuSchemeIsAnAliasOfRabbit() {
        assertThat(TransportUrl.parse("kombu://h/").transport()).isEqualTo("kombu");
    }

    @Test
    void schemeIsCaseInsensitive() {
        assertThat(TransportUrl.parse("RABBIT://h/").transport()).isEqualTo("rabbit");
    }

    @Test
    void otherSchemeIsRejected() {
        assertThatThrownBy(() -> TransportUrl.parse("amqp://u:secret@h/"))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("'amqp'")
                .hasMessageNotContaining("secret");
    }

    @Test
    void missingSchemeIsRejected() {
        assertThatThrownBy(() -> TransportUrl.parse("//h/"))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("no scheme");
    }

    @Test
    void pythonIntSyntaxIsAcceptedForPorts() {
        assertThat(TransportUrl.parse("rabbit://h:+56_72/").hosts().get(0).port()).isEqualTo(5672);
    }

    @Test
    void nonNumericPortIsRejected() {
        assertThatThrownBy(() -> TransportUrl.parse("rabbit://u:secret@h:abc/"))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("port 'abc' is not an integer");
    }

    @Test
    void portOutsideTcpRangeIsRejected() {
        assertThatThrownBy(() -> TransportUrl.parse("rabbit://h:65536/"))
                .isInstanceOf(InvalidTransportUrlException.class)
                .hasMessageContaining("outside 0..65535");
    }

    @Test
    void toStringNeverShowsThePassword() {
        TransportUrl url = TransportUrl.parse("rabbit://nova:s3cr%2Ft@mq1:5672,cinder:hunter2@[::1]//?ssl=1");

        assertThat(url.toString())
                .isEqualTo("rabbit://nova:***@mq1:5672,cinder:***@[::1]//?ssl=1")
                .doesNotContain("s3cr", "hunter2");
    }

    @Test
    void transportHostToStringMasksThePassword() {
        assertThat(new TransportHost("mq1", 5672, "nova", "hunter2").toString())
                .isEqualTo("TransportHost[nova:***@mq1:5672]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "amqp://nova:hunter2@h/",
        "rabbit://nova:hunter2@h:abc/",
        "rabbit://nova:hunter2@h:99999/",
        "rabbit://nova:hunter2@[::1/",
        "rabbit://nova:hunter2@[10.0.0.1]/",
        "rabbit://nova:hunter2@[::1]:5672,nova:hunter2@mq2/",
        "rabbit://nova:hunter2@h1,[::1]/",
        "nova:hunter2@h"
    })
    void errorMessagesNeverContainThePassword(String url) {
        Throwable thrown = catchThrowable(() -> TransportUrl.parse(url));

        assertThat(thrown).isInstanceOf(InvalidTransportUrlException.class);
        assertThat(thrown.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void hostsAreImmutable() {
        List<TransportHost> hosts = TransportUrl.parse("rabbit://h/").hosts();

        assertThatThrownBy(() -> hosts.add(new TransportHost("x", null, null, null)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    private static java.util.Map.Entry<String, String> entry(String k, String v) {
        return java.util.Map.entry(k, v);
    }
}
