/**
 * The broker configuration callers build and hand to {@link org.ebsvolume.messaging.Transport#open}:
 * the parsed {@code transport_url}, the {@code [oslo_messaging_rabbit]} options, and the exceptions
 * that name a bad value. Callers may use everything public here; parsing helpers stay package-private.
 */
package org.ebsvolume.messaging.transport;
