package org.ebsvolume.drivers.target;

/**
 * Keeps CHAP passwords out of logs and error messages. {@code CommandRunner} already masks
 * {@code password=…} arguments, but the tools repeat secrets in their own output: targetcli
 * prints {@code Parameter password is now '…'.}, tgt-admin echoes failing tgtadm command lines.
 * Whatever a target helper logs or puts in an exception goes through {@link #scrub} first.
 */
final class Secrets {

    static final String MASK = "***";

    private Secrets() {
    }

    /** {@code text} with every occurrence of the password replaced by {@code ***}. */
    static String scrub(String text, ChapCredentials chap) {
        if (text == null || chap == null) {
            return text;
        }
        return text.replace(chap.password(), MASK);
    }

    /** {@code CHAP <user> ***}: the provider_auth column fit for a log line. */
    static String maskProviderAuth(String providerAuth) {
        if (providerAuth == null) {
            return null;
        }
        int lastSpace = providerAuth.lastIndexOf(' ');
        return lastSpace < 0 ? MASK : providerAuth.substring(0, lastSpace + 1) + MASK;
    }
}
