package com.example.gadgets;

/** A record, not Serializable, in an allowed package: Hazelcast serializes it with Compact. */
public record Point(int x, int y) {}
