package io.kube9.sample;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The command line, parsed and validated. Flags take their value as the next argument or after
 * an equals sign ({@code --port 8080} or {@code --port=8080}).
 *
 * @param load             number of commands to generate, if a load run was asked for
 * @param rate             total commands per second over all threads; 0 means unpaced
 * @param projectionDelayMillis pause before each event for the revenue projection only
 */
public record AppOptions(int port, Path store, OptionalInt load, double rate, long seed, int threads,
        boolean hold, long projectionDelayMillis, boolean help) {

    public static final String USAGE = "usage: java -jar kube9-sample-app.jar [--port P] [--store PATH] [--load N]"
            + " [--rate R] [--seed S] [--threads T] [--hold] [--projection-delay-ms D]";

    public static AppOptions parse(String... args) throws UsageException {
        int port = 8080;
        Path store = Path.of("sample-events.db");
        OptionalInt load = OptionalInt.empty();
        double rate = 0;
        long seed = 42;
        int threads = 2;
        boolean hold = false;
        long projectionDelayMillis = 0;
        boolean help = false;

        for (int i = 0; i < args.length; i++) {
            String argument = args[i];
            String flag = argument;
            String inlineValue = null;
            int equals = argument.indexOf('=');
            if (argument.startsWith("--") && equals > 0) {
                flag = argument.substring(0, equals);
                inlineValue = argument.substring(equals + 1);
            }
            switch (flag) {
                case "--hold", "--help", "-h" -> {
                    if (inlineValue != null) {
                        throw new UsageException("option " + flag + " takes no value");
                    }
                    if (flag.equals("--hold")) {
                        hold = true;
                    } else {
                        help = true;
                    }
                }
                case "--port", "--store", "--load", "--rate", "--seed", "--threads", "--projection-delay-ms" -> {
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("option " + flag + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (flag) {
                        case "--port" -> port = (int) integer(flag, value, 0, 65_535);
                        case "--store" -> store = path(flag, value);
                        case "--load" -> load = OptionalInt.of((int) integer(flag, value, 0, Integer.MAX_VALUE));
                        case "--rate" -> rate = rate(flag, value);
                        case "--seed" -> seed = integer(flag, value, Long.MIN_VALUE, Long.MAX_VALUE);
                        case "--threads" -> threads = (int) integer(flag, value, 1, 256);
                        case "--projection-delay-ms" -> projectionDelayMillis = integer(flag, value, 0, 60_000);
                        default -> throw new AssertionError(flag);
                    }
                }
                default -> throw new UsageException("unknown option '" + argument + "'");
            }
        }
        return new AppOptions(port, store, load, rate, seed, threads, hold, projectionDelayMillis, help);
    }

    private static long integer(String flag, String value, long min, long max) throws UsageException {
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, together with the out-of-range case
        }
        String range = min == Long.MIN_VALUE ? "an integer" : "an integer from " + min + " to " + max;
        throw new UsageException("invalid value '" + value + "' for " + flag + ": expected " + range);
    }

    private static double rate(String flag, String value) throws UsageException {
        try {
            double parsed = Double.parseDouble(value.trim());
            if (Double.isFinite(parsed) && parsed >= 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException("invalid value '" + value + "' for " + flag
                + ": expected commands per second, a number >= 0 (0 = as fast as possible)");
    }

    private static Path path(String flag, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException("invalid value for " + flag + ": the path is empty");
        }
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new UsageException("invalid value '" + value + "' for " + flag + ": " + e.getReason());
        }
    }
}
