package io.kube9.it;

import java.util.Map;
import java.util.TreeMap;

/** The sample service's own counts, parsed from the summary it prints: the truth to compare with. */
final class SampleCounts {
    final Map<String, Double> lines = new TreeMap<>();

    static SampleCounts parse(String stdout) {
        SampleCounts counts = new SampleCounts();
        int start = stdout.indexOf("=== sample-app counts ===");
        int end = stdout.indexOf("=== end ===", start);
        for (String line : stdout.substring(start, end).split("\n")) {
            int space = line.lastIndexOf(' ');
            if (line.startsWith("===") || space < 0) {
                continue;
            }
            counts.lines.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return counts;
    }

    /** The lines of one name, keyed by their label part ({@code {event_type="x"}}), e.g. {@code stored_events}. */
    Map<String, Double> series(String name) {
        Map<String, Double> series = new TreeMap<>();
        lines.forEach((key, value) -> {
            if (key.equals(name) || key.startsWith(name + "{")) {
                series.put(key.substring(name.length()), value);
            }
        });
        return series;
    }

    double value(String name) {
        return lines.getOrDefault(name, 0.0);
    }

    double sum(String name) {
        return series(name).values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
