package io.kube9.agent.capture;

import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Date;
import java.util.Locale;
import java.util.function.Function;

/**
 * How to read the attributes of events of one class: the resolved accessors and the
 * conversions of SPEC section 2. One instance per (target, event class), cached in a
 * {@link ClassValue}; reading never allocates for the common attribute types (String and enum
 * labels, {@code Instant} or epoch-millis times, {@code byte[]} payloads).
 */
final class EventShape {
    static final String UNKNOWN = "unknown";
    static final long NO_TIME = Long.MIN_VALUE;
    /** The end of a Kotlin companion object's binary name. */
    private static final String KOTLIN_COMPANION = "$Companion";

    /** A class's label: its simple name, as for an event read without an accessor. */
    private static final ClassValue<String> CLASS_LABELS = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            return simpleName(type);
        }
    };
    /** The lower-case names of an enum's constants: severities. */
    private static final ClassValue<String[]> ENUM_LABELS = new ClassValue<>() {
        @Override
        protected String[] computeValue(Class<?> type) {
            Object[] constants = type.getEnumConstants();
            String[] labels = new String[constants.length];
            for (int i = 0; i < constants.length; i++) {
                labels[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
            }
            return labels;
        }
    };

    private final String className;
    private final Function<Object, Object> eventType;
    private final Function<Object, Object> severity;
    private final Function<Object, Object> timestamp;
    private final Function<Object, Object> payload;
    private final Function<Object, Object> id;
    private final Function<Object, Object> aggregateId;
    private final Runnable onAccessorError;
    /** How to walk the elements when the "event" is a Scala collection (a batch), else null. */
    final ScalaCollection elements;
    /** The event class's loader: what the shape may keep of other classes (see {@link #outlives}). */
    private final ClassLoader loader;
    private EnumLabels severityLabels;
    /** Those of an enum of a loader the event class may outlive (a plugin's, for a shared event class). */
    private ForeignEnumLabels foreignSeverityLabels;

    EventShape(Class<?> type, AccessorNames names, Runnable onAccessorError) {
        this.loader = type.getClassLoader();
        this.className = simpleName(type);
        this.eventType = Accessor.resolve(type, names.eventType);
        this.severity = Accessor.resolve(type, names.severity);
        this.timestamp = Accessor.resolve(type, names.timestamp);
        this.payload = Accessor.resolve(type, names.payload);
        this.id = Accessor.resolve(type, names.id);
        this.aggregateId = Accessor.resolve(type, names.aggregateId);
        this.onAccessorError = onAccessorError;
        this.elements = ScalaCollection.of(type);
    }

    /*
     * Each attribute calls its accessor at a call site of its own (not through one shared
     * helper): the JIT profiles receivers per call site, and a site that sees only the accessor
     * classes of one attribute stays inlinable where one shared by six attributes would not.
     */

    String eventType(Object event) {
        Object value;
        try {
            value = eventType.apply(event);
        } catch (Throwable t) {
            value = failed();
        }
        String label = safeLabel(value);
        return label != null ? label : className;
    }

    String severity(Object event) {
        Object value;
        try {
            value = severity.apply(event);
        } catch (Throwable t) {
            value = failed();
        }
        if (value instanceof Enum) {
            // The usual severity: an enum, whose labels this shape keeps at hand rather than
            // looking them up per call (a ClassValue look-up is ~5 ns, a fifth of the budget).
            Enum<?> constant = (Enum<?>) value;
            Class<?> type = constant.getDeclaringClass();
            EnumLabels labels = severityLabels;
            if (labels != null && labels.type == type) {
                return labels.labels[constant.ordinal()];
            }
            ForeignEnumLabels foreign = foreignSeverityLabels;
            if (foreign != null && foreign.get() == type) {
                return foreign.labels[constant.ordinal()];
            }
            String[] names = ENUM_LABELS.get(type);
            if (outlives(type)) {
                severityLabels = new EnumLabels(type, names); // racy on purpose: the holder is immutable
            } else {
                foreignSeverityLabels = new ForeignEnumLabels(type, names);
            }
            return names[constant.ordinal()];
        }
        String text = safeLabel(value);
        return text != null ? text : UNKNOWN;
    }

    /**
     * Whether {@code type} lives at least as long as the event class, whose {@code ClassValue}
     * holds this shape: a class of its own loader or of one that loader delegates to. Another
     * (a plugin's enum as the severity of an event class the application shares with its plugins)
     * is held only weakly ({@link ForeignEnumLabels}): kept, the shape would keep the plugin's class
     * loader for as long as the event class lives, after the plugin was unloaded.
     */
    private boolean outlives(Class<?> type) {
        ClassLoader owner = type.getClassLoader();
        if (owner == null) {
            return true; // the JDK's own
        }
        try {
            for (ClassLoader delegate = loader; delegate != null; delegate = delegate.getParent()) {
                if (delegate == owner) {
                    return true;
                }
            }
        } catch (RuntimeException notAllowed) {
            // a security manager's refusal: not kept, looked up each time instead
        }
        return false;
    }

    /** The lower-case names of the constants of an enum that {@link #outlives} does not keep: held weakly. */
    private static final class ForeignEnumLabels extends WeakReference<Class<?>> {
        final String[] labels;

        ForeignEnumLabels(Class<?> type, String[] labels) {
            super(type);
            this.labels = labels;
        }
    }

    /** The lower-case names of one enum's constants. */
    private static final class EnumLabels {
        final Class<?> type;
        final String[] labels;

        EnumLabels(Class<?> type, String[] labels) {
            this.type = type;
            this.labels = labels;
        }
    }

    /** Epoch millis, or {@link #NO_TIME}. */
    long timestamp(Object event) {
        try {
            return toEpochMillis(timestamp.apply(event));
        } catch (Throwable t) {
            failed();
            return NO_TIME;
        }
    }

    Object payload(Object event) {
        try {
            return payload.apply(event);
        } catch (Throwable t) {
            return failed();
        }
    }

    Object id(Object event) {
        try {
            return id.apply(event);
        } catch (Throwable t) {
            return failed();
        }
    }

    Object aggregateId(Object event) {
        try {
            return aggregateId.apply(event);
        } catch (Throwable t) {
            return failed();
        }
    }

    /** An accessor that throws counts as absent, and is counted. */
    private Object failed() {
        onAccessorError.run();
        return null;
    }

    /** The label of a value, or null (counted) when the event's own {@code toString()} throws. */
    private String safeLabel(Object value) {
        try {
            return label(value);
        } catch (Throwable t) {
            onAccessorError.run();
            return null;
        }
    }

    /**
     * The label of an attribute's value: a string as it is, an enum constant's name as declared
     * (a severity is lower-cased apart, in {@link #severity}), a class's simple name (Axon's
     * payload type), anything else its {@code toString()}; null for nothing or an empty text.
     */
    static String label(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof String) {
            String text = (String) value;
            return text.isEmpty() ? null : text;
        }
        if (value instanceof Enum) {
            return ((Enum<?>) value).name();
        }
        if (value instanceof Class) {
            return CLASS_LABELS.get((Class<?>) value);
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? null : text;
    }

    /**
     * The simple name, or for an anonymous or hidden class its binary name after the package. A
     * Kotlin companion object ({@code PriceProjector$Companion}) goes by its class's name.
     */
    static String simpleName(Class<?> type) {
        String binary = type.getName().substring(type.getName().lastIndexOf('.') + 1);
        if (binary.endsWith(KOTLIN_COMPANION) && binary.length() > KOTLIN_COMPANION.length()) {
            String outer = binary.substring(0, binary.length() - KOTLIN_COMPANION.length());
            return outer.substring(outer.lastIndexOf('$') + 1);
        }
        String simple;
        try {
            simple = type.getSimpleName();
        } catch (LinkageError e) {
            return binary; // its enclosing class cannot be reached from its loader: reflection fails
        }
        return simple.isEmpty() ? binary : simple;
    }

    /**
     * Epoch millis of a time, or {@link #NO_TIME}. The epoch itself, and anything before it, is
     * no time: it is what a time left unset reads as (a {@code long} field's 0, a message's
     * default, {@code Date(0)}; Pekko's {@code PersistentRepr} before its journal stamps it), and
     * taken as a time it made the projection's lag 56 years.
     */
    static long toEpochMillis(Object value) {
        long millis = epochMillis(value);
        return millis > 0 ? millis : NO_TIME;
    }

    private static long epochMillis(Object value) {
        if (value == null) {
            return NO_TIME;
        }
        if (value instanceof Instant) {
            return ((Instant) value).toEpochMilli();
        }
        if (value instanceof Long) {
            return (Long) value;
        }
        if (value instanceof Date) {
            return ((Date) value).getTime();
        }
        if (value instanceof OffsetDateTime) {
            return ((OffsetDateTime) value).toInstant().toEpochMilli();
        }
        if (value instanceof ZonedDateTime) {
            return ((ZonedDateTime) value).toInstant().toEpochMilli();
        }
        if (value instanceof CharSequence) {
            long millis = IsoTimes.parse((CharSequence) value);
            return millis != IsoTimes.OTHER ? millis : parseIso((CharSequence) value);
        }
        return NO_TIME;
    }

    /**
     * An ISO-8601 text of a shape {@link IsoTimes} leaves to {@code java.time}: with an offset and
     * a zone in brackets as {@code ZonedDateTime} writes it, a leap second, a long year. A date
     * and time without an offset is no time: its zone is unknown, and a guess (the JVM's) would
     * put the events of a service that keeps UTC local times hours away.
     */
    private static long parseIso(CharSequence text) {
        int length = text.length();
        if (length < 11) {
            return NO_TIME;
        }
        try {
            if (text.charAt(length - 1) == ']') {
                return ZonedDateTime.parse(text).toInstant().toEpochMilli();
            }
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException offsetNotZ) { // Java 11's Instant.parse takes only Z
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            }
        } catch (DateTimeParseException | ArithmeticException e) {
            return NO_TIME;
        }
    }

    /**
     * Size in bytes of a payload, or -1 when it is of no type we measure, or when measuring it
     * failed (counted as an accessor's failure): a {@code CharSequence} of the service's own is its
     * code, which may throw.
     */
    long payloadBytes(Object payload) {
        try {
            return payloadSize(payload);
        } catch (Throwable t) {
            failed();
            return -1;
        }
    }

    /**
     * An id as it reads at the call: a {@code String}, or an object of any other kind, as it is
     * (the journal's writer turns it into text); text of another kind (a {@code StringBuilder}
     * the service reuses) copied now, or its next content would be journaled. Null when copying
     * fails (counted as an accessor's failure).
     */
    Object idAtTheCall(Object id) {
        if (id instanceof String || !(id instanceof CharSequence)) {
            return id;
        }
        try {
            return id.toString();
        } catch (Throwable t) {
            return failed();
        }
    }

    /**
     * A payload to store, as it reads at the call: a {@code String} as it is; bytes, a buffer's
     * remaining bytes or text of another kind copied now, up to {@code limit} bytes (text: as
     * many characters, which are at least as many bytes), since a service that reuses its buffers
     * would have its next request's data journaled; null for any other object, which the journal
     * does not store, and when copying fails (counted as an accessor's failure).
     */
    Object payloadAtTheCall(Object payload, int limit) {
        try {
            if (payload instanceof String) {
                return payload;
            }
            if (payload instanceof byte[]) {
                byte[] bytes = (byte[]) payload;
                return Arrays.copyOf(bytes, Math.min(bytes.length, limit));
            }
            if (payload instanceof ByteBuffer) {
                ByteBuffer buffer = ((ByteBuffer) payload).duplicate(); // its position stays the service's
                byte[] bytes = new byte[Math.min(buffer.remaining(), limit)];
                buffer.get(bytes);
                return bytes;
            }
            if (payload instanceof CharSequence) {
                CharSequence text = (CharSequence) payload;
                return text.length() <= limit ? text.toString() : text.subSequence(0, limit).toString();
            }
            return null;
        } catch (Throwable t) {
            return failed();
        }
    }

    /** Size in bytes of a payload, or -1 when it is of no type we measure. */
    static long payloadSize(Object payload) {
        if (payload instanceof byte[]) {
            return ((byte[]) payload).length;
        }
        if (payload instanceof CharSequence) {
            return utf8Length((CharSequence) payload);
        }
        if (payload instanceof ByteBuffer) {
            return ((ByteBuffer) payload).remaining();
        }
        return -1;
    }

    /** The length of {@code String.getBytes(UTF_8)}, counted without encoding. */
    static long utf8Length(CharSequence text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                bytes += 1; // unpaired: the encoder writes '?', as the journal will store it
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
