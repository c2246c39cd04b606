package io.synspring;

/**
 * An operation run on the owner node threw an exception that could not be sent back as it was (its class
 * is not serializable or not allowed); this carries its type and message.
 */
public class RemoteOperationException extends RuntimeException {

    private final String remoteType;

    public RemoteOperationException(String remoteType, String message) {
        super(remoteType + ": " + message);
        this.remoteType = remoteType;
    }

    /** The class name of the exception thrown on the owner node. */
    public String remoteType() {
        return remoteType;
    }
}
