package org.example.foreign;

import java.util.Objects;

/** A plain class with one String field, outside the allowed packages. */
public final class ForeignPlain {

    private String content;

    public ForeignPlain() {}

    public ForeignPlain(String content) {
        this.content = content;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ForeignPlain plain && Objects.equals(content, plain.content);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(content);
    }
}
