package org.ebsvolume.messaging.impl;

import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.impl.LongStringHelper;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RabbitMQ's AMQPLAIN login, oslo's default {@code rabbit_login_method}: the response is an AMQP
 * field table {@code {LOGIN: user, PASSWORD: pass}} without its length prefix. The Java client only
 * ships PLAIN and EXTERNAL.
 */
final class AmqplainMechanism implements SaslMechanism {

    static final String NAME = "AMQPLAIN";

    /** Picks {@code wanted} if the broker offers it, so a misconfigured login method fails loudly. */
    static SaslConfig config(String wanted) {
        return serverMechanisms -> {
            if (!Arrays.asList(serverMechanisms).contains(wanted)) {
                return null;
            }
            return switch (wanted) {
                case NAME -> new AmqplainMechanism();
                case "PLAIN" -> com.rabbitmq.client.DefaultSaslConfig.PLAIN.getSaslMechanism(serverMechanisms);
                case "EXTERNAL" -> com.rabbitmq.client.DefaultSaslConfig.EXTERNAL.getSaslMechanism(serverMechanisms);
                default -> null;
            };
        };
    }

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public LongString handleChallenge(LongString challenge, String username, String password) {
        ByteArrayOutputStream table = new ByteArrayOutputStream();
        writeEntry(table, "LOGIN", username);
        writeEntry(table, "PASSWORD", password);
        return LongStringHelper.asLongString(table.toByteArray());
    }

    private static void writeEntry(ByteArrayOutputStream out, String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.write(k.length);
        out.write(k, 0, k.length);
        out.write('S');
        out.write((v.length >>> 24) & 0xff);
        out.write((v.length >>> 16) & 0xff);
        out.write((v.length >>> 8) & 0xff);
        out.write(v.length & 0xff);
        out.write(v, 0, v.length);
    }
}
