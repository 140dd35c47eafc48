package org.ebsvolume.drivers.drbd;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code drbdsetup events2} output: the {@code --now} dump and the live stream, with or
 * without {@code --timestamps} and {@code --statistics}. The vocabulary is the same with an 8.4
 * module (drbd-utils emulates events2 for it) and with DRBD 9, which adds keys ({@code
 * may_promote:}, {@code promotion_score:}, {@code backing_dev:}, {@code client:}, {@code quorum:},
 * {@code done:}, {@code eta:} …) and objects ({@code path}, {@code helper}). Keys and objects
 * this code does not use are kept in the event and ignored by the {@link DrbdStateTracker}.
 *
 * <p>A line is malformed, and refused with a {@link DrbdParseException} naming it, when its first
 * word is not an event kind, a word is not {@code key:value}, or an identifying key of an object
 * the tracker reads ({@code name}, {@code volume}, {@code peer-node-id}) is missing or not a number.
 */
public final class DrbdEvents2Parser {

    /** The objects the tracker reads, and the keys that identify each. */
    private static final Map<String, List<String>> IDENTIFYING_KEYS = Map.of(
            "resource", List.of("name"),
            "device", List.of("name", "volume"),
            "connection", List.of("name"),
            "peer-device", List.of("name", "volume"));
    private static final Set<String> NUMERIC_KEYS = Set.of("volume", "peer-node-id", "minor");

    private DrbdEvents2Parser() {
    }

    /** Every event of the text, blank lines skipped; line numbers in errors count from 1. */
    public static List<DrbdEvent> parse(String text) throws DrbdParseException {
        List<DrbdEvent> events = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            Optional<DrbdEvent> event = parseLine(line, n);
            event.ifPresent(events::add);
        }
        return events;
    }

    /** One line; empty for a blank one. */
    public static Optional<DrbdEvent> parseLine(String line, int lineNumber) throws DrbdParseException {
        String stripped = line.strip();
        if (stripped.isEmpty()) {
            return Optional.empty();
        }
        String[] words = stripped.split("\\s+");
        int i = 0;
        Optional<OffsetDateTime> timestamp = Optional.empty();
        if (Character.isDigit(words[0].charAt(0))) {
            // --timestamps: 2026-11-23T22:55:53.623606+00:00
            try {
                timestamp = Optional.of(OffsetDateTime.parse(words[0]));
            } catch (DateTimeParseException e) {
                throw new DrbdParseException("not an events2 timestamp: '" + words[0] + "'", lineNumber, line);
            }
            i++;
        }
        if (words.length < i + 2) {
            throw new DrbdParseException("an events2 line has an event kind and an object", lineNumber, line);
        }
        String kindWord = words[i++];
        DrbdEvent.Kind kind = DrbdEvent.Kind.fromWord(kindWord)
                .orElseThrow(() -> new DrbdParseException("unknown events2 event '" + kindWord + "'", lineNumber, line));
        String object = words[i++];
        Map<String, String> fields = new LinkedHashMap<>();
        for (; i < words.length; i++) {
            String word = words[i];
            int colon = word.indexOf(':');
            if (colon <= 0) {
                throw new DrbdParseException("'" + word + "' is not key:value", lineNumber, line);
            }
            fields.put(word.substring(0, colon), word.substring(colon + 1));
        }
        if (kind != DrbdEvent.Kind.CALL && kind != DrbdEvent.Kind.RESPONSE) {
            for (String key : IDENTIFYING_KEYS.getOrDefault(object, List.of())) {
                if (!fields.containsKey(key) || fields.get(key).isEmpty()) {
                    throw new DrbdParseException(object + " event without '" + key + ":'", lineNumber, line);
                }
            }
        }
        for (String key : NUMERIC_KEYS) {
            String v = fields.get(key);
            if (v != null && !v.matches("\\d{1,9}")) {
                throw new DrbdParseException("'" + key + ":" + v + "' is not a number", lineNumber, line);
            }
        }
        return Optional.of(new DrbdEvent(timestamp, kind, object, fields));
    }

    /**
     * The resources described by an {@code events2 --now} dump, by name. Stops at {@code exists -};
     * an empty map means no resource is configured (the dump of an unknown resource is just
     * {@code exists -}).
     */
    public static Map<String, DrbdResourceState> currentState(String events2Now) throws DrbdParseException {
        DrbdStateTracker tracker = new DrbdStateTracker();
        for (DrbdEvent e : parse(events2Now)) {
            tracker.apply(e);
            if (e.isEndOfInitialState()) {
                break;
            }
        }
        return tracker.snapshot();
    }
}
