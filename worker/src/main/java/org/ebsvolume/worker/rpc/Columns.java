package org.ebsvolume.worker.rpc;

import java.util.LinkedHashMap;
import java.util.Map;

/** Column updates written in the order given, as {@code cols("status", "error", "migration_status", null)}. */
final class Columns {

    private Columns() {
    }

    /** A mutable map (callers add to it), which may hold nulls, unlike {@code Map.of}. */
    static Map<String, Object> cols(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
