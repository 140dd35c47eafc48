package org.ebsvolume.messaging;


/**
 * The peer that handled a call raised an exception; {@link #failure()} carries its class, module,
 * message, arguments and the remote traceback exactly as they came over the wire.
 */
public final class RemoteException extends MessagingException {
    private static final long serialVersionUID = 1L;

    private final transient RemoteFailure failure;

    RemoteException(RemoteFailure failure) {
        super(failure.module() + "." + failure.className() + ": " + failure.message());
        this.failure = failure;
    }

    public RemoteFailure failure() {
        return failure;
    }

    /** True when the remote class is {@code module.className}, e.g. {@code is("cinder.exception", "VolumeNotFound")}. */
    public boolean is(String module, String className) {
        return failure.module().equals(module) && failure.className().equals(className);
    }
}
