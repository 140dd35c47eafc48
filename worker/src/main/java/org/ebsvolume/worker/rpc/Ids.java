package org.ebsvolume.worker.rpc;

import java.util.regex.Pattern;

/** Identifiers from messages are validated before they reach SQL, a log or a storage name. */
final class Ids {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

    private Ids() {
    }

    static boolean isUuid(String s) {
        return s != null && UUID.matcher(s).matches();
    }
}
