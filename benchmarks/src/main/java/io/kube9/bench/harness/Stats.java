package io.kube9.bench.harness;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles of measured values. */
public final class Stats {
    private Stats() {}

    public static double median(List<Double> values) {
        return percentile(values.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    }

    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Nearest-rank percentile; NaN for no values. */
    public static double percentile(double[] values, double percent) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        if (percent == 50 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    public static double percentile(long[] values, int count, double percent) {
        double[] doubles = new double[count];
        for (int i = 0; i < count; i++) {
            doubles[i] = values[i];
        }
        return percentile(doubles, percent);
    }
}
