package org.ebsvolume.worker.db;

import java.util.Arrays;

/** An enum whose constants are stored in Cinder's database under the spelling {@link #column()}. */
public interface ColumnEnum {

    /** The value as Cinder stores it. */
    String column();

    /**
     * The constant stored as {@code value}.
     *
     * @throws IllegalArgumentException a value Cinder's enum does not have: a row no Cinder wrote
     */
    static <E extends Enum<E> & ColumnEnum> E parse(Class<E> type, String what, String value) {
        E[] constants = type.getEnumConstants();
        return Arrays.stream(constants).filter(c -> c.column().equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(what + " '" + value + "' is not one of Cinder's "
                        + Arrays.stream(constants).map(ColumnEnum::column).toList()));
    }
}
