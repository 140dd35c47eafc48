package org.ebsvolume.drivers.target;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One-way CHAP credentials of an export: the initiator proves it knows them, the target does
 * not authenticate back (Cinder's LVM driver never uses mutual CHAP).
 *
 * <p>Stored by Cinder as {@code provider_auth = "CHAP <user> <password>"}. The password ends up
 * in argument lists (targetcli), config files (tgt) and the volume row, so {@link #toString()}
 * never shows it.
 */
public record ChapCredentials(String user, String password) {

    /**
     * Cinder's alphabet ({@code volume_utils.DEFAULT_PASSWORD_SYMBOLS}): no 0/1/I/O/l, which are
     * misread when an operator copies a secret by hand.
     */
    private static final String[] SYMBOL_GROUPS = {
            "23456789",
            "ABCDEFGHJKLMNPQRSTUVWXYZ",
            "abcdefghijkmnopqrstuvwxyz",
    };
    private static final String ALL_SYMBOLS = String.join("", SYMBOL_GROUPS);
    private static final int USER_LENGTH = 20;
    private static final int PASSWORD_LENGTH = 16;

    /**
     * What we accept from the database. Both values are written into a tgt config file (where
     * whitespace, {@code #} or {@code <} would change its meaning) and into targetcli's command
     * grammar (where whitespace splits parameters), so anything beyond a plain token is refused
     * rather than escaped. Cinder-generated values always pass.
     */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,255}");

    private static final SecureRandom RANDOM = new SecureRandom();

    public ChapCredentials {
        if (user == null || !SAFE.matcher(user).matches()) {
            throw new IllegalArgumentException("CHAP user must be 1-255 characters of [A-Za-z0-9._:-], got '" + user + "'");
        }
        if (password == null || !SAFE.matcher(password).matches()) {
            // Never echo the rejected value: it is a secret even when malformed.
            throw new IllegalArgumentException("CHAP password must be 1-255 characters of [A-Za-z0-9._:-]");
        }
    }

    /** A new pair exactly as Cinder makes it: 20-character user, 16-character password. */
    public static ChapCredentials generate() {
        return new ChapCredentials(randomToken(USER_LENGTH), randomToken(PASSWORD_LENGTH));
    }

    /**
     * Reads {@code provider_auth}. Like Cinder's {@code _get_target_chap_auth} it takes the second
     * and third space-separated words; {@code null} or blank means "no credentials stored yet".
     */
    public static ChapCredentials fromProviderAuth(String providerAuth) {
        if (providerAuth == null || providerAuth.isBlank()) {
            return null;
        }
        String[] words = providerAuth.split(" ");
        if (words.length != 3 || !"CHAP".equals(words[0])) {
            throw new IllegalArgumentException("provider_auth is not \"CHAP <user> <password>\" ("
                    + words.length + " words, method '" + words[0] + "')");
        }
        return new ChapCredentials(words[1], words[2]);
    }

    /** The {@code provider_auth} column value: {@code "CHAP <user> <password>"}. */
    public String providerAuth() {
        return "CHAP " + user + " " + password;
    }

    @Override
    public String toString() {
        return "ChapCredentials[user=" + user + ", password=***]";
    }

    /**
     * Cinder's {@code generate_password}: one symbol from each group first (so every group is
     * present), the rest from all symbols, then shuffled so the first characters are not
     * predictable by group.
     */
    private static String randomToken(int length) {
        List<Character> chars = new ArrayList<>(length);
        for (String group : SYMBOL_GROUPS) {
            chars.add(group.charAt(RANDOM.nextInt(group.length())));
        }
        while (chars.size() < length) {
            chars.add(ALL_SYMBOLS.charAt(RANDOM.nextInt(ALL_SYMBOLS.length())));
        }
        Collections.shuffle(chars, RANDOM);
        StringBuilder sb = new StringBuilder(length);
        chars.forEach(sb::append);
        return sb.toString();
    }
}
