package org.example.foreign;

/** A record, not Serializable, outside the allowed packages. */
public record ForeignRecord(String content) {}
