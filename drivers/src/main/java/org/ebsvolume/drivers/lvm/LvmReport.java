package org.ebsvolume.drivers.lvm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Reads the JSON that {@code lvs}/{@code vgs --reportformat json --units b --nosuffix -o …} print.
 * What lvm2 2.03 really prints, and what this parser therefore expects:
 * <ul>
 *   <li>{@code {"report":[{"lv":[{…},…]}]}} ({@code "vg"} for vgs), indented by two spaces;
 *       the rows of every element of {@code report} are read, other sections ignored;</li>
 *   <li>every value is a string, numbers included ({@code "lv_size":"268435456"}); numeric JSON
 *       values are accepted too, should a later lvm print them;</li>
 *   <li>{@code ""} means "none" ({@code origin}, {@code pool_lv}, {@code data_percent});</li>
 *   <li>hidden LVs (listed with {@code -a}) come in brackets, {@code [pool_tdata]}: the brackets are dropped;</li>
 *   <li>a missing VG or LV prints a valid document with an empty list (and exits 5; the error is on
 *       stderr, which the caller reads), so an empty list here is not an error.</li>
 * </ul>
 * A size printed with a unit ({@code "200.00m"}) means the command lacked {@code --units b
 * --nosuffix}; that is refused rather than guessed at.
 */
public final class LvmReport {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The lvs columns {@link #logicalVolumes} needs; ask lvs for exactly these. */
    public static final String LV_FIELDS = "vg_name,lv_name,lv_size,lv_attr,origin,pool_lv,data_percent";
    /** The vgs columns {@link #volumeGroups} needs. */
    public static final String VG_FIELDS = "vg_name,vg_size,vg_free,lv_count,pv_count,vg_extent_size";

    /** lvm printed something this parser cannot read; the message says what and where. */
    public static final class UnreadableReportException extends Exception {
        private static final long serialVersionUID = 1L;

        UnreadableReportException(String message) {
            super(message);
        }
    }

    private LvmReport() {
    }

    public static List<LogicalVolume> logicalVolumes(String stdout) throws UnreadableReportException {
        List<LogicalVolume> result = new ArrayList<>();
        for (JsonNode row : rows(stdout, "lv")) {
            result.add(new LogicalVolume(
                    text(row, "vg_name", true),
                    unbracket(text(row, "lv_name", true)),
                    number(row, "lv_size"),
                    text(row, "lv_attr", true),
                    text(row, "origin", false),
                    text(row, "pool_lv", false),
                    percent(row, "data_percent")));
        }
        return result;
    }

    public static List<VolumeGroup> volumeGroups(String stdout) throws UnreadableReportException {
        List<VolumeGroup> result = new ArrayList<>();
        for (JsonNode row : rows(stdout, "vg")) {
            result.add(new VolumeGroup(
                    text(row, "vg_name", true),
                    number(row, "vg_size"),
                    number(row, "vg_free"),
                    Math.toIntExact(number(row, "lv_count")),
                    Math.toIntExact(number(row, "pv_count")),
                    number(row, "vg_extent_size")));
        }
        return result;
    }

    private static List<JsonNode> rows(String stdout, String section) throws UnreadableReportException {
        List<JsonNode> rows = new ArrayList<>();
        if (stdout == null || stdout.isBlank()) {
            return rows;
        }
        // The document is the report; anything before its first brace is not (lvm can be
        // configured to print messages to stdout).
        int start = stdout.indexOf('{');
        if (start < 0) {
            throw new UnreadableReportException("no JSON document in lvm's output: " + excerpt(stdout));
        }
        JsonNode root;
        try {
            root = JSON.readTree(stdout.substring(start));
        } catch (JsonProcessingException e) {
            throw new UnreadableReportException("lvm's output is not valid JSON (" + e.getOriginalMessage() + "): " + excerpt(stdout));
        }
        JsonNode report = root.path("report");
        if (!report.isArray()) {
            throw new UnreadableReportException("lvm's JSON has no \"report\" array: " + excerpt(stdout));
        }
        for (JsonNode element : report) {
            JsonNode list = element.path(section);
            if (list.isMissingNode()) {
                continue;
            }
            if (!list.isArray()) {
                throw new UnreadableReportException("\"" + section + "\" in lvm's report is not a list: " + excerpt(stdout));
            }
            for (JsonNode row : list) {
                if (!row.isObject()) {
                    throw new UnreadableReportException("a \"" + section + "\" row in lvm's report is not an object: " + row);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String text(JsonNode row, String field, boolean required) throws UnreadableReportException {
        JsonNode value = row.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new UnreadableReportException("lvm's row has no \"" + field + "\": " + row);
            }
            return "";
        }
        String text = value.asText().strip();
        if (required && text.isEmpty()) {
            throw new UnreadableReportException("lvm's row has an empty \"" + field + "\": " + row);
        }
        return text;
    }

    private static long number(JsonNode row, String field) throws UnreadableReportException {
        JsonNode value = row.get(field);
        if (value != null && value.isIntegralNumber()) {
            return value.asLong();
        }
        String text = text(row, field, true);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new UnreadableReportException("\"" + field + "\" is not a whole number of bytes (was the command run with "
                    + "--units b --nosuffix?): '" + text + "' in " + row);
        }
    }

    private static OptionalDouble percent(JsonNode row, String field) throws UnreadableReportException {
        JsonNode value = row.get(field);
        if (value != null && value.isNumber()) {
            return OptionalDouble.of(value.asDouble());
        }
        String text = text(row, field, false);
        if (text.isEmpty()) {
            return OptionalDouble.empty();
        }
        try {
            return OptionalDouble.of(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw new UnreadableReportException("\"" + field + "\" is not a percentage: '" + text + "' in " + row);
        }
    }

    private static String unbracket(String name) {
        return name.length() > 2 && name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
    }

    private static String excerpt(String s) {
        String t = s.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + "…";
    }
}
