package org.ebsvolume.drivers.drbd;

import org.ebsvolume.drivers.CinderError;
import org.ebsvolume.drivers.DriverException;

import java.nio.file.Path;

/**
 * A resource file could not be written, removed or read back. Reading matters because the files
 * are the record of which ports and minors are taken: a file this code cannot read stops
 * allocation rather than risk handing out a port that is in use.
 */
public final class DrbdResourceFileException extends DriverException {
    private static final long serialVersionUID = 1L;

    private final transient Path path;

    DrbdResourceFileException(Path path, String reason, Throwable cause) {
        super(CinderError.VOLUME_BACKEND_API_EXCEPTION, "DRBD resource file " + path + ": " + reason, cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
