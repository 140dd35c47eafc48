package org.ebsvolume.drivers.drbd;

/**
 * A line of DRBD output that does not have the shape this code reads. Carries the line (control
 * characters escaped) and its number, so the log shows exactly what DRBD printed.
 */
public final class DrbdParseException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int lineNumber;
    private final String line;

    public DrbdParseException(String reason, int lineNumber, String line) {
        super(reason + " (line " + lineNumber + ": \"" + DrbdNames.printable(line) + "\")");
        this.lineNumber = lineNumber;
        this.line = line;
    }

    /** From 1. */
    public int lineNumber() {
        return lineNumber;
    }

    public String line() {
        return line;
    }
}
