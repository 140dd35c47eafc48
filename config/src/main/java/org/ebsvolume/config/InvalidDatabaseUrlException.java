package org.ebsvolume.config;

/**
 * The {@code [database] connection} URL cannot be used. The message says what is wrong but never
 * repeats the URL: it holds the database password.
 */
public class InvalidDatabaseUrlException extends IllegalArgumentException {

    public InvalidDatabaseUrlException(String message) {
        super(message);
    }
}
