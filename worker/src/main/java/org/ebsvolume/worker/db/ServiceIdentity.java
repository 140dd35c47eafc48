package org.ebsvolume.worker.db;

/**
 * Who a backend is in the {@code services} table: {@code host} is {@code <host>@<backend>},
 * {@code clusterName} {@code <cluster>@<backend>} or null.
 */
public record ServiceIdentity(String host, String clusterName, String availabilityZone) {

    public static final String BINARY = "cinder-volume";
    public static final String TOPIC = "cinder-volume";
    public static final String RPC_VERSION = "3.18";
    /** Must be exactly a key of Cinder's OBJ_VERSIONS, or cinder-api cannot serialise anything. */
    public static final String OBJECT_VERSION = "1.39";
}
