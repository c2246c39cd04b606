package com.example.gadgets;

import java.util.Objects;

/** A plain class, not Serializable, in an allowed package: Hazelcast serializes it with reflective Compact. */
public final class Plain {

    private String content;

    public Plain() {}

    public Plain(String content) {
        this.content = content;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Plain plain && Objects.equals(content, plain.content);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(content);
    }

    @Override
    public String toString() {
        return "Plain(" + content + ")";
    }
}
