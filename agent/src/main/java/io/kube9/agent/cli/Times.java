package io.kube9.agent.cli;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/** How every output format writes the journal's epoch-millisecond times. */
final class Times {
    /** Always three fraction digits, so that times line up in tables and sort as text. */
    private static final DateTimeFormatter ISO_MILLIS = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    private Times() {}

    static String iso(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    static String iso(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    /** Null stays null: {@code occurred_at} is absent when the event carried no timestamp. */
    static String isoOrNull(Long epochMillis) {
        return epochMillis == null ? null : iso(epochMillis);
    }
}
