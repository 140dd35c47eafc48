package org.ebsvolume.drivers.drbd;

import java.util.Optional;

/**
 * An enum of DRBD's own words (events2, {@code drbdadm status}, {@code /proc/drbd}): each
 * constant knows the word DRBD prints for it, and reading a word back is written once, here.
 */
interface DrbdWord {

    /** The word DRBD prints for this constant. */
    String drbdName();

    /** The constant of {@code type} that DRBD spells {@code word} (case matters), if any. */
    static <E extends Enum<E> & DrbdWord> Optional<E> find(Class<E> type, String word) {
        for (E constant : type.getEnumConstants()) {
            if (constant.drbdName().equals(word)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
