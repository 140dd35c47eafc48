package org.ebsvolume.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * One option as Cinder or the oslo library owning it declares it: name, type, default and the
 * older names oslo still reads it under.
 *
 * @param name       the option name
 * @param type       how its text becomes a value
 * @param defaults   the default as option text, before $-substitution (like oslo's string
 *                   defaults such as "$my_ip"); returns null for "None". A function because two
 *                   defaults depend on the machine (host, my_ip).
 * @param secret     oslo's {@code secret=True}: never shown in messages or logs
 * @param multi      a MultiOpt: every occurrence counts, not just the last
 * @param deprecated older names; a null group means "the option's own group"
 */
record Opt<T>(String name, OsloType<T> type, Function<MachineEnvironment, String> defaults, boolean secret,
              boolean multi, List<OsloIniFiles.Name> deprecated) {

    Opt {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaults, "defaults");
        deprecated = List.copyOf(deprecated);
    }

    static <T> Opt<T> of(String name, OsloType<T> type, String defaultText) {
        return new Opt<>(name, type, env -> defaultText, false, false, List.of());
    }

    Opt<T> asSecret() {
        return new Opt<>(name, type, defaults, true, multi, deprecated);
    }

    Opt<T> asMulti() {
        return new Opt<>(name, type, defaults, secret, true, deprecated);
    }

    /** Also read under {@code oldName} in the option's own group. */
    Opt<T> alias(String oldName) {
        return alias(null, oldName);
    }

    /** Also read under {@code [group] oldName}. */
    Opt<T> alias(String group, String oldName) {
        List<OsloIniFiles.Name> names = new ArrayList<>(deprecated);
        names.add(new OsloIniFiles.Name(group, oldName));
        return new Opt<>(name, type, defaults, secret, multi, names);
    }

    /** The default text computed from the machine, e.g. the host name. */
    Opt<T> defaultFrom(Function<MachineEnvironment, String> computed) {
        return new Opt<>(name, type, computed, secret, multi, deprecated);
    }
}
