package org.ebsvolume.messaging.impl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.ebsvolume.messaging.wire.PythonJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void wrapsTheInnerMessageAsAJsonString() {
        ObjectNode inner = PythonJson.MAPPER.createObjectNode().put("method", "echo");
        assertThat(new String(Envelope.wrap(inner), StandardCharsets.US_ASCII))
                .isEqualTo("{\"oslo.version\": \"2.0\", \"oslo.message\": \"{\\\"method\\\": \\\"echo\\\"}\"}");
    }

    @Test
    void unwrapRoundTrips() throws Exception {
        ObjectNode inner = PythonJson.MAPPER.createObjectNode().put("method", "é");
        assertThat(Envelope.unwrap(Envelope.wrap(inner), "application/json")).isEqualTo(inner);
    }

    @Test
    void acceptsAnUnenvelopedDictLikeOslo() throws Exception {
        assertThat(Envelope.unwrap(bytes("{\"method\": \"x\"}"), "application/json").get("method").asText()).isEqualTo("x");
    }

    @Test
    void rejectsAMissingContentType() {
        assertThatThrownBy(() -> Envelope.unwrap(bytes("{}"), null))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("content type is missing");
    }

    @Test
    void rejectsAnEnvelopeOfAnotherMajorVersion() {
        assertThatThrownBy(() -> Envelope.unwrap(bytes("{\"oslo.version\": \"3.0\", \"oslo.message\": \"{}\"}"), "application/json"))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unsupported envelope version");
    }

    @Test
    void rejectsInvalidJson() {
        assertThatThrownBy(() -> Envelope.unwrap(bytes("{\"oslo.version\": "), "application/json"))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("not valid JSON");
    }

    @Test
    void rejectsAnInnerMessageThatIsNotAnObject() {
        assertThatThrownBy(() -> Envelope.unwrap(bytes("{\"oslo.version\": \"2.0\", \"oslo.message\": \"[1]\"}"), "application/json"))
                .isInstanceOf(MalformedMessageException.class).hasMessageContaining("expected an object");
    }

    @Test
    void propertiesAreThoseKombuSets() {
        var call = Envelope.properties(60000);
        assertThat(call.getContentType()).isEqualTo("application/json");
        assertThat(call.getContentEncoding()).isEqualTo("utf-8");
        assertThat(call.getDeliveryMode()).isEqualTo(2);
        assertThat(call.getPriority()).isZero();
        assertThat(call.getHeaders()).isEmpty();
        assertThat(call.getExpiration()).isEqualTo("60000");
        assertThat(Envelope.properties(0).getExpiration()).isNull();
    }
}
