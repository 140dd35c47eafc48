package org.ebsvolume.config;

/**
 * How oslo.config turns the text of an option into a value ({@code oslo_config/types.py}),
 * possibly with this project's stricter checks on top.
 */
@FunctionalInterface
interface OsloType<T> {

    /** Converts the text (already $-substituted). */
    T parse(String text) throws BadValueException;
}
