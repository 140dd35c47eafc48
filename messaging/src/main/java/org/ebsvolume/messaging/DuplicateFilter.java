package org.ebsvolume.messaging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/** oslo's {@code _MsgIdCache}: the last 16 {@code _unique_id}s a listener saw; a repeat is dropped. */
final class DuplicateFilter {

    private static final int SIZE = 16;
    private final Deque<String> order = new ArrayDeque<>(SIZE);
    private final Set<String> seen = new HashSet<>();

    /** True the first time {@code uniqueId} is offered (and remembers it); false for a duplicate. */
    synchronized boolean firstSighting(String uniqueId) {
        if (uniqueId == null) {
            return true;
        }
        if (seen.contains(uniqueId)) {
            return false;
        }
        if (order.size() == SIZE) {
            seen.remove(order.removeFirst());
        }
        order.addLast(uniqueId);
        seen.add(uniqueId);
        return true;
    }
}
