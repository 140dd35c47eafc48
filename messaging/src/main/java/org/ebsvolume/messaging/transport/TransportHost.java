package org.ebsvolume.messaging.transport;

/**
 * One broker entry of a {@code transport_url}, as oslo.messaging's {@code TransportHost} holds it.
 *
 * <p>Every component may be null, exactly where Python has None: {@code rabbit://h} has no port
 * and no credentials, {@code rabbit://u@h} has a username but no password, and
 * {@code rabbit://u:p@/} even has no hostname. Username and password are already URL-unquoted.
 * {@link TransportUrl#effectiveHosts()} gives the values actually used to connect.
 *
 * @param hostname host name or IP address; IPv6 without the brackets; may be null or empty
 * @param port     port as written (0..65535), or null when the URL gives none
 * @param username user name, or null
 * @param password password, or null; never shown by {@link #toString()}
 */
public record TransportHost(String hostname, Integer port, String username, String password) {

    /** Masks the password: these objects are logged on every connection attempt. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("TransportHost[");
        if (username != null || password != null) {
            if (username != null) {
                s.append(username);
            }
            if (password != null) {
                s.append(":***");
            }
            s.append('@');
        }
        if (hostname != null) {
            s.append(hostname.indexOf(':') >= 0 ? "[" + hostname + "]" : hostname);
        }
        if (port != null) {
            s.append(':').append(port);
        }
        return s.append(']').toString();
    }
}
