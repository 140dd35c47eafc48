/**
 * Internals, like {@code com.rabbitmq.client.impl}: broker connections, TLS, confirmed publishing
 * and oslo's wire format (envelope, exchange and queue topology, version matching). Public only
 * because {@code org.ebsvolume.messaging} uses them; other modules must not, so they can change freely.
 */
package org.ebsvolume.messaging.impl;
