package io.synspring;

/**
 * Stands in for a value that arrived from another node but was refused here, typically because its class
 * is not in this node's deserialization allowlist. The entry it belongs to is kept (nothing is lost from
 * the registry); only the value is not instantiated. Allow the class on every node to see it.
 *
 * @param reason why the value was refused
 */
public record RejectedValue(String reason) {}
