package io.synspring.sample.web;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Metadata and replies as JSON-friendly values. */
public final class Json {

    private Json() {}

    /** Plain values, maps and collections as they are (recursively); anything else as its text. */
    public static @Nullable Object plain(@Nullable Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, @Nullable Object> result = new LinkedHashMap<>();
            map.forEach((key, each) -> result.put(String.valueOf(key), plain(each)));
            return result;
        }
        if (value instanceof Collection<?> collection) {
            List<@Nullable Object> result = new ArrayList<>();
            collection.forEach(each -> result.add(plain(each)));
            return result;
        }
        return value.toString();
    }
}
