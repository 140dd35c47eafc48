package org.ebsvolume.drivers.target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The object tree {@code targetcli ls} prints, read back into paths:
 * <pre>
 * o- / ......................................................... [...]
 *   o- backstores .............................................. [...]
 *   | o- block .................................. [Storage Objects: 1]
 *   | | o- volume-1 ......... [/dev/drbd100 (256.0MiB) write-thru activated]
 *   o- iscsi ............................................ [Targets: 1]
 *   | o- iqn.2010-10.org.openstack:volume-1 ................ [TPGs: 1]
 *   |   o- tpg1 .......................... [no-gen-acls, auth per-acl]
 * </pre>
 * Each level indents by two characters ({@code "| "} or {@code "  "}) before {@code "o- "}.
 * The dots pad every line to 132 columns (configshell's width when stdout is not a terminal);
 * a line that is already longer gets no dots, just {@code "name  [summary]"}, which happens with
 * Cinder's long IQNs. Names never contain spaces (rtslib refuses them), so the name is the first
 * word. Lines that are not tree lines (the {@code Warning: Could not load preferences file} that
 * targetcli prints until it has saved its prefs) are skipped.
 */
final class TargetcliTree {

    private static final Pattern TREE_LINE = Pattern.compile("^((?:[ |] )*)o- (\\S+) \\.* \\[(.*)]\\s*$");

    private final Map<String, String> summaries;

    private TargetcliTree(Map<String, String> summaries) {
        this.summaries = summaries;
    }

    /** @throws IllegalArgumentException when the text holds no tree starting at the root {@code /} */
    static TargetcliTree parse(String lsOutput) {
        Map<String, String> summaries = new LinkedHashMap<>();
        List<String> stack = new ArrayList<>();
        for (String line : lsOutput.split("\n", -1)) {
            Matcher m = TREE_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            int depth = m.group(1).length() / 2;
            String name = m.group(2);
            String path;
            if (depth == 0) {
                if (!"/".equals(name)) {
                    throw new IllegalArgumentException("targetcli tree does not start at '/': " + line.strip());
                }
                path = "/";
            } else {
                if (depth > stack.size()) {
                    throw new IllegalArgumentException("targetcli tree skips a level at: " + line.strip());
                }
                String parent = stack.get(depth - 1);
                path = "/".equals(parent) ? "/" + name : parent + "/" + name;
            }
            while (stack.size() > depth) {
                stack.remove(stack.size() - 1);
            }
            stack.add(path);
            summaries.put(path, m.group(3));
        }
        if (!summaries.containsKey("/")) {
            throw new IllegalArgumentException("no targetcli tree in the output");
        }
        return new TargetcliTree(summaries);
    }

    boolean has(String path) {
        return summaries.containsKey(path);
    }

    /** The text in brackets, e.g. {@code no-gen-acls, auth per-acl}; {@code null} when absent. */
    String summary(String path) {
        return summaries.get(path);
    }

    /** Names of the direct children of {@code path}, in targetcli's order. */
    List<String> children(String path) {
        String prefix = "/".equals(path) ? "/" : path + "/";
        List<String> names = new ArrayList<>();
        for (String p : summaries.keySet()) {
            if (p.startsWith(prefix) && p.length() > prefix.length() && p.indexOf('/', prefix.length()) < 0) {
                names.add(p.substring(prefix.length()));
            }
        }
        return names;
    }
}
