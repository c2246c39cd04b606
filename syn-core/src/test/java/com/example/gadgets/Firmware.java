package com.example.gadgets;

import io.synspring.registry.MetadataUpdate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Update functions as an application outside Syn's packages writes them, as in the README. */
public final class Firmware {

    private Firmware() {}

    /** Sets the firmware version in a metadata map; {@code seen} records every metadata it was given. */
    public static MetadataUpdate upgradeTo(String version, List<Object> seen) {
        return (process, meta) -> {
            seen.add(meta);
            @SuppressWarnings("unchecked")
            Map<String, String> updated = new HashMap<>((Map<String, String>) meta);
            updated.put("fw", version);
            return Map.copyOf(updated);
        };
    }
}
