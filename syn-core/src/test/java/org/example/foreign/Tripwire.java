package org.example.foreign;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts its instances: a class outside the allowed packages that must never be instantiated from the network. */
public final class Tripwire {

    public static final AtomicInteger CREATED = new AtomicInteger();

    private String content;

    public Tripwire() {
        CREATED.incrementAndGet();
    }

    public Tripwire(String content) {
        this();
        this.content = content;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Tripwire tripwire && java.util.Objects.equals(content, tripwire.content);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(content);
    }
}
