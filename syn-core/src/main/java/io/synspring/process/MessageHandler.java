package io.synspring.process;

/**
 * The behaviour of a process: receives its messages one at a time, in arrival order, on an engine thread
 * (never a Hazelcast thread). An exception ends the process with {@link ExitReason.Crashed}.
 */
@FunctionalInterface
public interface MessageHandler {

    void handle(Object message, MessageContext context) throws Exception;
}
