package org.ebsvolume.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives each option the value oslo.config would give it, recording a {@link ConfigProblem} for
 * every value that does not fit instead of stopping at the first.
 *
 * <p>Where a value comes from, highest precedence first ({@code ConfigOpts._do_get}):
 * <ol>
 *   <li>the command line (only --debug, --log-file, --log-dir here);</li>
 *   <li>the environment variable {@code OS_<GROUP>__<OPTION>} (group and option upper-cased);</li>
 *   <li>the config files, under the current name and then the deprecated names;</li>
 *   <li>the default. In a backend section Cinder resets every default to None and then falls
 *       back to [backend_defaults]: see {@link #backend}.</li>
 * </ol>
 * The text then has its {@code $name} references substituted and is converted by the option's type.
 *
 * <p>A {@code $name} in an option of group G refers to option {@code name} of G if G has one,
 * else of [DEFAULT]; {@code $group.name} names the group (by its registered name, e.g. the
 * backend's name as written in enabled_backends). It becomes Python's {@code str()} of that
 * option's converted value, '' for None. oslo fails on a name it has no option for; we do too,
 * except that a name set in the files but unknown to this catalogue is taken as written there
 * (Cinder has hundreds of options that ebs-volume does not model).
 */
final class OptionReader {

    /** A converted value and where it came from (null for a default). */
    record Value<T>(T value, RawValue raw) {
    }

    /** The outcome for one (group, option). */
    private record Resolved(Object value, RawValue raw, boolean secret, boolean failed, List<Resolved> items) {
    }

    private final OsloIniFiles files;
    private final MachineEnvironment machine;
    private final Map<String, String> commandLine;
    private final Set<String> backendGroups;
    private final List<ConfigProblem> problems;

    private final Map<String, Resolved> cache = new HashMap<>();
    private final Set<String> resolving = new HashSet<>();

    /**
     * @param commandLine   [DEFAULT] option name to text, for the options set on the command line
     * @param backendGroups the names in enabled_backends, as written there
     * @param problems      where problems are added
     */
    OptionReader(OsloIniFiles files, MachineEnvironment machine, Map<String, String> commandLine,
                 Set<String> backendGroups, List<ConfigProblem> problems) {
        this.files = files;
        this.machine = machine;
        this.commandLine = Map.copyOf(commandLine);
        this.backendGroups = Set.copyOf(backendGroups);
        this.problems = problems;
    }

    /** A single-valued option of {@code group}; value null for None or after a problem. */
    <T> Value<T> get(String group, Opt<T> opt) {
        Resolved r = resolve(group, opt);
        @SuppressWarnings("unchecked")
        T value = (T) r.value();
        return new Value<>(value, r.raw());
    }

    /** Every value of a multi-valued option; the ones with problems are left out. */
    <T> List<Value<T>> getAll(String group, Opt<T> opt) {
        Resolved r = resolve(group, opt);
        List<Value<T>> values = new ArrayList<>();
        for (Resolved item : r.items()) {
            if (!item.failed()) {
                @SuppressWarnings("unchecked")
                T value = (T) item.value();
                values.add(new Value<>(value, item.raw()));
            }
        }
        return values;
    }

    /**
     * A backend option as Cinder's {@code BackendGroupConfiguration} reads it: the backend
     * section's value, or when that is None, [backend_defaults]'s (which has the real default).
     */
    <T> Value<T> backend(String backend, Opt<T> opt) {
        Resolved own = resolve(backend, opt);
        if (own.value() != null || own.failed()) {
            return get(backend, opt);
        }
        return get(Options.BACKEND_DEFAULTS, opt);
    }

    /** The multi-valued form of {@link #backend}. */
    <T> List<Value<T>> backendAll(String backend, Opt<T> opt) {
        Resolved own = resolve(backend, opt);
        if (own.value() != null) {
            return getAll(backend, opt);
        }
        return getAll(Options.BACKEND_DEFAULTS, opt);
    }

    /**
     * $-substitutes a value that is not one of the catalogue's options (the
     * [oslo_messaging_rabbit] options, which RabbitOptions converts); records a problem and
     * returns null when a reference cannot be resolved.
     */
    String substitute(String group, RawValue raw) {
        boolean[] secret = {false};
        try {
            return OsloTypes.substitute(raw.text(), name -> lookup(group, name, secret));
        } catch (BadValueException e) {
            if (!e.alreadyReported()) {
                problems.add(ConfigProblem.badValue(raw, secret[0] ? ConfigProblem.MASK : raw.text(), e.expected()));
            }
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------

    private Resolved resolve(String group, Opt<?> opt) {
        String key = group + "\u0000" + opt.name();
        Resolved cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        resolving.add(key);
        try {
            Resolved r = opt.multi() ? resolveMulti(group, opt) : resolveSingle(group, opt);
            cache.put(key, r);
            return r;
        } finally {
            resolving.remove(key);
        }
    }

    private Resolved resolveSingle(String group, Opt<?> opt) {
        Optional<RawValue> source = commandLineValue(group, opt);
        if (source.isEmpty()) {
            source = environmentValue(group, opt);
        }
        if (source.isEmpty()) {
            source = files.value(names(group, opt));
        }
        if (source.isPresent()) {
            return convert(group, opt, source.get(), source.get().text());
        }
        String dflt = isBackendGroup(group) ? null : opt.defaults().apply(machine);
        if (dflt == null) {
            return new Resolved(null, null, false, false, List.of());
        }
        return convert(group, opt, null, dflt);
    }

    private Resolved resolveMulti(String group, Opt<?> opt) {
        String variable = environmentName(group, opt.name());
        if (machine.variables().containsKey(variable)) {
            // oslo would iterate over the characters of the one string it gets from there.
            problems.add(ConfigProblem.about("environment variable " + variable, group, opt.name(),
                    opt.name() + " may be given several times and so cannot come from an environment"
                            + " variable (oslo.config would read it character by character); set it in a file"));
        }
        List<RawValue> raws = files.values(names(group, opt));
        if (raws.isEmpty()) {
            String dflt = isBackendGroup(group) ? null : opt.defaults().apply(machine);
            List<Object> none = dflt == null ? null : List.of();
            return new Resolved(none, null, false, false, List.of());
        }
        List<Resolved> items = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        boolean secret = opt.secret();
        for (RawValue raw : raws) {
            Resolved item = convert(group, opt, raw, raw.text());
            items.add(item);
            values.add(item.value());
            secret |= item.secret();
        }
        boolean failed = items.stream().anyMatch(Resolved::failed);
        return new Resolved(values, raws.get(0), secret, failed, items);
    }

    /** Substitutes and converts one text; a default has {@code raw} null. */
    private Resolved convert(String group, Opt<?> opt, RawValue raw, String text) {
        boolean[] secret = {opt.secret()};
        String substituted;
        try {
            substituted = OsloTypes.substitute(text, name -> lookup(group, name, secret));
        } catch (BadValueException e) {
            if (!e.alreadyReported()) {
                report(group, opt, raw, text, null, secret[0], e.expected());
            }
            return new Resolved(null, raw, secret[0], true, List.of());
        }
        try {
            Object value = opt.type().parse(substituted);
            return new Resolved(value, raw, secret[0], false, List.of());
        } catch (BadValueException e) {
            report(group, opt, raw, text, substituted, secret[0], e.expected());
            return new Resolved(null, raw, secret[0], true, List.of());
        }
    }

    private void report(String group, Opt<?> opt, RawValue raw, String text, String substituted, boolean secret,
                        String expected) {
        String shown = secret ? ConfigProblem.MASK : text;
        String why = expected;
        if (!secret && substituted != null && !substituted.equals(text)) {
            why += " (after $-substitution it reads '" + substituted + "')";
        }
        if (raw == null) {
            problems.add(new ConfigProblem(null, 0, group, opt.name(), shown, why + " (this is the default of "
                    + opt.name() + "; set it to a value that fits)"));
        } else {
            problems.add(ConfigProblem.badValue(raw, shown, why));
        }
    }

    /** What {@code $name} in an option of {@code group} becomes. */
    private String lookup(String group, String name, boolean[] secret) throws BadValueException {
        int dot = name.indexOf('.');
        if (dot >= 0) {
            String otherGroup = name.substring(0, dot);
            String option = name.substring(dot + 1);
            // oslo has no group called DEFAULT to name: $DEFAULT.x fails there too.
            Opt<?> opt = otherGroup.equals(Options.DEFAULT) ? null : registered(otherGroup, option);
            if (opt != null) {
                return valueForSubstitution(otherGroup, opt, name, secret);
            }
            Optional<RawValue> written = files.value(otherGroup, option);
            if (written.isPresent() && !otherGroup.equals(Options.DEFAULT)) {
                return OsloTypes.substitute(written.get().text(), n -> lookup(otherGroup, n, secret));
            }
            throw new BadValueException("$" + name + " names no option: there is no option '" + option
                    + "' in a group registered as '" + otherGroup + "' (group names are case-sensitive here,"
                    + " [DEFAULT] cannot be named; write $$ for a literal $)");
        }
        Opt<?> opt = registered(group, name);
        if (opt != null) {
            return valueForSubstitution(group, opt, name, secret);
        }
        opt = registered(Options.DEFAULT, name);
        if (opt != null) {
            return valueForSubstitution(Options.DEFAULT, opt, name, secret);
        }
        for (String g : List.of(group, Options.DEFAULT)) {
            Optional<RawValue> written = files.value(g, name);
            if (written.isPresent()) {
                return OsloTypes.substitute(written.get().text(), n -> lookup(g, n, secret));
            }
        }
        throw new BadValueException("$" + name + " is not an option of [" + group + "] or [DEFAULT], so"
                + " oslo.config cannot substitute it (write $$ for a literal $)");
    }

    private String valueForSubstitution(String group, Opt<?> opt, String name, boolean[] secret)
            throws BadValueException {
        if (resolving.contains(group + "\u0000" + opt.name())) {
            throw new BadValueException("$" + name + " refers back to the option being read (a circular reference)");
        }
        Resolved r = resolve(group, opt);
        if (r.failed()) {
            throw new BadValueException("$" + name + " has an invalid value", true);
        }
        secret[0] |= r.secret();
        return OsloTypes.pyStr(r.value());
    }

    /** The option of that name oslo has registered in that group, as Cinder registers them. */
    private Opt<?> registered(String group, String name) {
        List<Opt<?>> opts;
        if (group.equals(Options.DEFAULT)) {
            opts = Options.DEFAULT_OPTS;
        } else if (group.equals(Options.BACKEND_DEFAULTS)) {
            opts = Options.BACKEND_OPTS;
        } else if (backendGroups.contains(group)) {
            if (name.equals(Options.BACKEND_HOST.name())) {
                return Options.BACKEND_HOST;
            }
            opts = Options.BACKEND_OPTS;
        } else if (group.equals(Options.DATABASE)) {
            opts = Options.DATABASE_OPTS;
        } else if (group.equals(Options.NOTIFICATIONS)) {
            opts = Options.NOTIFICATION_OPTS;
        } else {
            return null;
        }
        for (Opt<?> opt : opts) {
            if (opt.name().equals(name)) {
                return opt;
            }
        }
        return null;
    }

    private boolean isBackendGroup(String group) {
        return backendGroups.contains(group) && !group.equals(Options.BACKEND_DEFAULTS);
    }

    private Optional<RawValue> commandLineValue(String group, Opt<?> opt) {
        if (!group.equals(Options.DEFAULT) || !commandLine.containsKey(opt.name())) {
            return Optional.empty();
        }
        return Optional.of(new RawValue(commandLine.get(opt.name()), "command line", 0, group, opt.name()));
    }

    private Optional<RawValue> environmentValue(String group, Opt<?> opt) {
        String variable = environmentName(group, opt.name());
        String value = machine.variables().get(variable);
        if (value == null) {
            return Optional.empty();
        }
        return Optional.of(new RawValue(value, "environment variable " + variable, 0, group, opt.name()));
    }

    /** oslo.config's environment source: {@code OS_<GROUP>__<OPTION>}, upper-cased. */
    static String environmentName(String group, String option) {
        return "OS_" + group.toUpperCase(Locale.ROOT) + "__" + option.toUpperCase(Locale.ROOT);
    }

    private static List<OsloIniFiles.Name> names(String group, Opt<?> opt) {
        List<OsloIniFiles.Name> names = new ArrayList<>();
        names.add(new OsloIniFiles.Name(group, opt.name()));
        for (OsloIniFiles.Name old : opt.deprecated()) {
            names.add(new OsloIniFiles.Name(old.group() == null ? group : old.group(), old.key()));
        }
        return names;
    }
}
