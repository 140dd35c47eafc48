package org.ebsvolume.config;

/**
 * A value text does not fit its option's type. The message says what would fit ("expected an
 * integer") and never repeats the value: the caller decides whether it may be shown.
 */
class BadValueException extends Exception {

    private final boolean alreadyReported;

    BadValueException(String expected) {
        this(expected, false);
    }

    /**
     * @param alreadyReported the cause is another option's bad value, which has its own problem
     *                        already: the option that refers to it should not add a second one
     */
    BadValueException(String expected, boolean alreadyReported) {
        super(expected, null, false, false);
        this.alreadyReported = alreadyReported;
    }

    String expected() {
        return getMessage();
    }

    boolean alreadyReported() {
        return alreadyReported;
    }
}
