package io.synspring.process;

/**
 * A call's request could not be handed to its process: no process holds the name, the process is not alive,
 * its mailbox is full, or the link to its node is full ({@link #result()} says which). The process never saw
 * the request.
 */
public class CallRefusedException extends RuntimeException {

    private final SendResult result;

    public CallRefusedException(SendResult result, String message) {
        super(message);
        this.result = result;
    }

    /** Why the request was refused. */
    public SendResult result() {
        return result;
    }
}
