package io.synspring.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The summaries the results use: a median as the figure, min / median / max as its spread. */
final class Stats {

    private Stats() {}

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {@code {"min": .., "median": .., "max": ..}} of {@code values}, rounded when {@code whole}. */
    static Map<String, Object> spread(List<Double> values, boolean whole) {
        Map<String, Object> spread = new LinkedHashMap<>();
        spread.put("min", round(Collections.min(values), whole));
        spread.put("median", round(median(values), whole));
        spread.put("max", round(Collections.max(values), whole));
        return spread;
    }

    static Object round(double value, boolean whole) {
        return whole ? (Object) Math.round(value) : (Object) (Math.round(value * 1000) / 1000.0);
    }
}
