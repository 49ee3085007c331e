package io.kube9.sample.ops;

import java.util.Locale;

public enum Severity {
    INFO, WARNING, ERROR, CRITICAL;

    /** The lower-case name used in JSON and in the counts summary. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a severity case-insensitively, e.g. {@code "warning"}. */
    public static Severity fromLabel(String label) {
        for (Severity severity : values()) {
            if (severity.name().equalsIgnoreCase(label)) {
                return severity;
            }
        }
        throw new IllegalArgumentException("unknown severity '" + label + "' (expected info, warning, error or critical)");
    }
}
