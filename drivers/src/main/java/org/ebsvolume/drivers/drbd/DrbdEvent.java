package org.ebsvolume.drivers.drbd;

import java.time.OffsetDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of {@code drbdsetup events2}: {@code [timestamp] <kind> <object> key:value...}.
 *
 * @param timestamp present with {@code --timestamps}
 * @param kind      what happened
 * @param object    {@code resource}, {@code connection}, {@code device}, {@code peer-device},
 *                  {@code path}, {@code helper}, or {@code -} for the end of the initial state;
 *                  any other word is kept as written (a newer DRBD) and ignored by the tracker
 * @param fields    the key:value words in order (split at the first ':', so {@code
 *                  local:ipv4:10.99.0.12:7100} is key {@code local}); a key that appears twice
 *                  keeps its last value
 */
public record DrbdEvent(Optional<OffsetDateTime> timestamp, Kind kind, String object, Map<String, String> fields) {

    /** The first word of an event line (DRBD's {@code drbdsetup} man page, events2). */
    public enum Kind implements DrbdWord {
        /** Part of the current state, printed first (and alone, with {@code --now}). */
        EXISTS("exists"),
        CREATE("create"),
        CHANGE("change"),
        DESTROY("destroy"),
        /** An event handler was called (DRBD 9). */
        CALL("call"),
        /** An event handler returned (DRBD 9). */
        RESPONSE("response"),
        RENAME("rename");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        @Override
        public String drbdName() {
            return word;
        }

        static Optional<Kind> fromWord(String word) {
            return DrbdWord.find(Kind.class, word);
        }
    }

    public DrbdEvent {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(object, "object");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** {@code exists -}: the initial state has been printed completely. */
    public boolean isEndOfInitialState() {
        return kind == Kind.EXISTS && object.equals("-");
    }

    public Optional<String> field(String key) {
        return Optional.ofNullable(fields.get(key));
    }
}
