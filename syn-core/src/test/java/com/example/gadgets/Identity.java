package com.example.gadgets;

import java.io.Serializable;

/** A Serializable class without equals: it cannot be read back as an equal value. */
public final class Identity implements Serializable {

    private final String content;

    public Identity(String content) {
        this.content = content;
    }

    @Override
    public String toString() {
        return "Identity(" + content + ")";
    }
}
