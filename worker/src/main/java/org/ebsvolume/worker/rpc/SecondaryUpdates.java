package org.ebsvolume.worker.rpc;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Updates made after the outcome is decided: a failure is logged, never turned into the call's error. */
final class SecondaryUpdates {

    private static final Logger LOG = LoggerFactory.getLogger(SecondaryUpdates.class);

    private SecondaryUpdates() {
    }

    @FunctionalInterface
    interface SqlAction {
        void run() throws Exception;
    }

    static void uncheck(SqlAction action) {
        try {
            action.run();
        } catch (Exception e) {
            LOG.warn("Secondary update failed: {}", e.toString());
        }
    }
}
