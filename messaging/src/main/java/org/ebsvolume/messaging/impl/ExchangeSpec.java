package org.ebsvolume.messaging.impl;

/** An exchange declaration exactly as oslo issues it (oslo never sets exchange arguments). */
public record ExchangeSpec(String name, String type, boolean durable, boolean autoDelete) {
}
