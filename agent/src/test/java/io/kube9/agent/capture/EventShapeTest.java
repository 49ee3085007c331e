package io.kube9.agent.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.agent.config.TestConfigs;
import io.kube9.agent.testevents.HiddenEvents;
import io.kube9.agent.testevents.OptionalDependencyEvent;
import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventShapeTest {
    private static final Instant WHEN = Instant.parse("2024-05-01T10:15:30.123Z");
    private static final AccessorNames CONVENTIONS = AccessorNames.from(TestConfigs.defaults());

    private final AtomicInteger accessorErrors = new AtomicInteger();

    // ---- where attributes come from -----------------------------------------------------------

    @Test
    void recordComponentStyleAccessors() {
        UUID id = UUID.randomUUID();
        byte[] data = new byte[12];
        RecordLike event = new RecordLike("order.created", Level.WARN, WHEN, data, id, "order-1");
        EventShape shape = shape(RecordLike.class);

        assertThat(shape.eventType(event)).isEqualTo("order.created");
        assertThat(shape.severity(event)).isEqualTo("warn");
        assertThat(shape.timestamp(event)).isEqualTo(WHEN.toEpochMilli());
        assertThat(shape.payload(event)).isSameAs(data);
        assertThat(shape.id(event)).isSameAs(id);
        assertThat(shape.aggregateId(event)).isEqualTo("order-1");
        assertThat(accessorErrors).hasValue(0);
    }

    @Test
    void getters() {
        Bean event = new Bean();
        EventShape shape = shape(Bean.class);

        assertThat(shape.eventType(event)).isEqualTo("payment.failed");
        assertThat(shape.severity(event)).isEqualTo("error");
        assertThat(shape.timestamp(event)).isEqualTo(WHEN.toEpochMilli());
        assertThat(shape.payload(event)).isEqualTo("{\"amount\":12}");
        assertThat(shape.id(event)).isEqualTo(42L);
        assertThat(shape.aggregateId(event)).isEqualTo("stream-9");
    }

    @Test
    void isGettersForConfiguredNames() {
        AccessorNames names = AccessorNames.from(TestConfigs.fromAgentArgs("accessor.severity=critical"));
        EventShape shape = new EventShape(Flagged.class, names, accessorErrors::incrementAndGet);

        assertThat(shape.severity(new Flagged())).isEqualTo("true");
    }

    @Test
    void publicFields() {
        PublicFields event = new PublicFields();
        EventShape shape = shape(PublicFields.class);

        assertThat(shape.eventType(event)).isEqualTo("stock.reserved");
        assertThat(shape.severity(event)).isEqualTo("info");
        assertThat(shape.timestamp(event)).isEqualTo(WHEN.toEpochMilli());
        assertThat(shape.payload(event)).isEqualTo(new byte[] {1, 2, 3});
        assertThat(shape.id(event)).isEqualTo("evt-1");
        assertThat(shape.aggregateId(event)).isEqualTo("sku-7");
    }

    @Test
    void primitiveAccessorsAreBoxed() {
        EventShape shape = shape(Primitive.class);

        assertThat(shape.timestamp(new Primitive())).isEqualTo(WHEN.toEpochMilli());
        assertThat(shape.id(new Primitive())).isEqualTo(7);
    }

    @Test
    void mapKeys() {
        Map<String, Object> event = new HashMap<>();
        event.put("eventType", "order.shipped");
        event.put("level", Level.INFO);
        event.put("occurredAt", "2024-05-01T10:15:30.123Z");
        event.put("payload", ByteBuffer.allocate(5));
        event.put("identifier", "evt-9");
        event.put("streamId", "order-9");
        event.put("timestamp", null); // null values fall through to the next key
        EventShape shape = shape(HashMap.class);

        assertThat(shape.eventType(event)).isEqualTo("order.shipped");
        assertThat(shape.severity(event)).isEqualTo("info");
        assertThat(shape.timestamp(event)).isEqualTo(WHEN.toEpochMilli());
        assertThat(EventShape.payloadSize(shape.payload(event))).isEqualTo(5);
        assertThat(shape.id(event)).isEqualTo("evt-9");
        assertThat(shape.aggregateId(event)).isEqualTo("order-9");
    }

    @Test
    void theFirstNameInTheListWins() {
        EventShape shape = shape(TwoNames.class);

        assertThat(shape.eventType(new TwoNames())).isEqualTo("from-eventType");
    }

    @Test
    void aNameThatGivesNullGivesWayToTheNextNameTheClassHas() {
        EventShape shape = shape(TwoNames.class);

        assertThat(shape.eventType(new TwoNames(null))).isEqualTo("from-type");
        assertThat(shape.eventType(new TwoNames())).isEqualTo("from-eventType");
    }

    @Test
    void threeNamesAreTriedInOrderUntilOneGivesAValue() {
        AccessorNames names = AccessorNames.from(TestConfigs.fromAgentArgs("accessor.timestamp=eventTime.time;eventTime;lastTimestamp"));
        EventShape shape = new EventShape(KubeEvent.class, names, accessorErrors::incrementAndGet);
        KubeEvent event = new KubeEvent();

        event.lastTimestamp = "2024-05-01T10:15:30.123Z";
        assertThat(shape.timestamp(event)).isEqualTo(WHEN.toEpochMilli());
        event.eventTime = new MicroTime("2024-05-01T10:15:31.123456Z");
        assertThat(shape.timestamp(event)).isEqualTo(WHEN.toEpochMilli() + 1000);
        assertThat(accessorErrors).hasValue(0);
    }

    @Test
    void aDottedNameIsAPathThroughTheValuesTheEventHolds() {
        AccessorNames names = AccessorNames.from(TestConfigs.fromAgentArgs(
                "accessor.id=metadata.uid,accessor.aggregate-id=involvedObject.uid,accessor.event-type=reason,"
                + "accessor.severity=type,accessor.payload=metadata.labels.team"));
        EventShape shape = new EventShape(KubeEvent.class, names, accessorErrors::incrementAndGet);
        KubeEvent event = new KubeEvent();

        assertThat(shape.id(event)).isEqualTo("uid-of-the-event");
        assertThat(shape.aggregateId(event)).as("a public field on the way").isEqualTo("uid-of-the-pod");
        assertThat(shape.eventType(event)).isEqualTo("BackOff");
        assertThat(shape.severity(event)).isEqualTo("Warning");
        assertThat(shape.payload(event)).as("a Map on the way: its key").isEqualTo("payments");
        event.metadata = null;
        assertThat(shape.id(event)).as("null on the way").isNull();
        assertThat(shape.payload(event)).isNull();
        assertThat(accessorErrors).hasValue(0);
    }

    @Test
    void aPathStepIsResolvedOnTheClassEachValueHasAtRunTime() {
        AccessorNames names = AccessorNames.from(TestConfigs.fromAgentArgs("accessor.aggregate-id=subject.name"));
        EventShape shape = new EventShape(Subjected.class, names, accessorErrors::incrementAndGet);

        assertThat(shape.aggregateId(new Subjected(new Pod("web-1")))).isEqualTo("pod:web-1");
        assertThat(shape.aggregateId(new Subjected(new Node("node-a")))).isEqualTo("node-a");
        assertThat(shape.aggregateId(new Subjected("a string has no name"))).isNull();
    }

    @Test
    void aPathWhoseFirstStepTheClassLacksIsNotFoundAndTheNextNameIsTried() {
        AccessorNames names = AccessorNames.from(TestConfigs.fromAgentArgs("accessor.id=spec.uid;metadata.uid"));
        EventShape shape = new EventShape(KubeEvent.class, names, accessorErrors::incrementAndGet);

        assertThat(shape.id(new KubeEvent())).isEqualTo("uid-of-the-event");
    }

    @Test
    void aPathStepThatThrowsCountsAsAbsentAndIsCounted() {
        AccessorNames names = AccessorNames.from(TestConfigs.fromAgentArgs("accessor.id=metadata.broken"));
        EventShape shape = new EventShape(KubeEvent.class, names, accessorErrors::incrementAndGet);

        assertThat(shape.id(new KubeEvent())).isNull();
        assertThat(accessorErrors).hasValue(1);
    }

    @Test
    void aClassWhoseMethodsNameAMissingClassHasNoAttributesButStillAShape() throws Exception {
        Class<?> type = withoutItsOptionalDependency();
        Object event = type.getConstructor().newInstance();

        EventShape shape = shape(type);

        assertThat(shape.eventType(event)).as("reflection on the class fails: the class's name")
                .isEqualTo("OptionalDependencyEvent");
        assertThat(shape.id(event)).isNull();
        assertThat(accessorErrors).hasValue(0);
    }

    @Test
    void aNestedClassDefinedApartFromItsEnclosingClassIsNamedByItsBinaryName() throws Exception {
        // Its loader defines it, but not the class it is nested in: getSimpleName() fails (the two
        // disagree on their nesting), and the shape must not fail with it on every event.
        String name = OptionalDependencyEvent.OptionalDependency.class.getName();
        Class<?> type = definedApart(name, null);
        Object event = type.getConstructor().newInstance();

        EventShape shape = shape(type);

        assertThat(shape.eventType(event)).isEqualTo("OptionalDependencyEvent$OptionalDependency");
    }

    /** {@link OptionalDependencyEvent} in a loader of its own that cannot find its optional dependency. */
    private static Class<?> withoutItsOptionalDependency() throws ClassNotFoundException {
        Class<?> type = definedApart(OptionalDependencyEvent.class.getName(),
                OptionalDependencyEvent.OptionalDependency.class.getName());
        try {
            type.getMethod("eventType");
            throw new AssertionError("the dependency was found after all");
        } catch (NoClassDefFoundError | NoSuchMethodException expected) {
            return type;
        }
    }

    /**
     * The test class {@code name}, defined by a loader of its own from the same class file (every
     * other class from the tests' loader), where {@code missing} (if not null) cannot be found.
     */
    private static Class<?> definedApart(String name, String missing) throws ClassNotFoundException {
        return new ClassLoader(EventShapeTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String className, boolean resolve) throws ClassNotFoundException {
                if (className.equals(missing)) {
                    throw new ClassNotFoundException(className);
                }
                if (!className.equals(name)) {
                    return super.loadClass(className, resolve);
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }.loadClass(name);
    }

    @Test
    void aSeverityEnumOfAnotherLoaderIsNotKeptByTheShapeOfAClassThatOutlivesIt() throws Exception {
        // An event class the application shares (here a Map) recorded by a plugin with an enum of
        // its own: the shape lives as long as the event class, the plugin's loader must not.
        EventShape shape = shape(HashMap.class);
        WeakReference<ClassLoader> plugin = recordWithAPluginsEnum(shape);

        for (int i = 0; i < 20 && plugin.get() != null; i++) {
            System.gc();
        }

        assertThat(plugin.get()).as("the plugin's loader, collected").isNull();
        assertThat(shape.severity(new HashMap<>(Map.of("severity", Level.WARN)))).isEqualTo("warn");
    }

    /** Reads a severity of {@link PluginLevel} defined by a loader of its own; returns that loader. */
    private static WeakReference<ClassLoader> recordWithAPluginsEnum(EventShape shape) throws Exception {
        Class<?> level = definedApart(PluginLevel.class.getName(), null);
        assertThat(level).isNotEqualTo(PluginLevel.class);
        Object warning = level.getField("WARNING").get(null);

        assertThat(shape.severity(new HashMap<>(Map.of("severity", warning)))).isEqualTo("warning");
        assertThat(shape.severity(new HashMap<>(Map.of("severity", warning)))).isEqualTo("warning");
        return new WeakReference<>(level.getClassLoader());
    }

    @Test
    void aDottedKeyOfAMapEventIsAKeyAsWrittenFirstThenAPath() {
        AccessorNames names = AccessorNames.from(TestConfigs.fromAgentArgs("accessor.id=metadata.uid"));
        EventShape shape = new EventShape(HashMap.class, names, accessorErrors::incrementAndGet);
        Map<String, Object> nested = new HashMap<>(Map.of("metadata", Map.of("uid", "nested-uid")));
        Map<String, Object> flat = new HashMap<>(Map.of("metadata.uid", "flat-uid", "metadata", Map.of("uid", "x")));

        assertThat(shape.id(nested)).isEqualTo("nested-uid");
        assertThat(shape.id(flat)).isEqualTo("flat-uid");
        assertThat(shape.id(new HashMap<>(Map.of("metadata", new KubeEvent().metadata)))).isEqualTo("uid-of-the-event");
    }

    @Test
    void withoutAccessorsTheTypeIsTheSimpleClassNameAndTheRestIsAbsent() {
        Object event = new NoAttributes();
        EventShape shape = shape(NoAttributes.class);

        assertThat(shape.eventType(event)).isEqualTo("NoAttributes");
        assertThat(shape.severity(event)).isEqualTo("unknown");
        assertThat(shape.timestamp(event)).isEqualTo(EventShape.NO_TIME);
        assertThat(shape.payload(event)).isNull();
        assertThat(shape.id(event)).isNull();
        assertThat(shape.aggregateId(event)).isNull();
    }

    @Test
    void nullAndEmptyAttributesFallBackToTheDefaults() {
        RecordLike event = new RecordLike("", null, null, null, null, null);
        EventShape shape = shape(RecordLike.class);

        assertThat(shape.eventType(event)).isEqualTo("RecordLike");
        assertThat(shape.severity(event)).isEqualTo("unknown");
        assertThat(shape.timestamp(event)).isEqualTo(EventShape.NO_TIME);
        assertThat(accessorErrors).hasValue(0);
    }

    @Test
    void anAnonymousEventClassIsNamedAfterItsBinaryName() {
        Object event = new Object() {};
        EventShape shape = shape(event.getClass());

        assertThat(shape.eventType(event)).isEqualTo(event.getClass().getName().substring(
                event.getClass().getName().lastIndexOf('.') + 1)).startsWith("EventShapeTest$");
    }

    @Test
    void aNonPublicEventClassWithPublicMethodsIsStillReadable() {
        Object event = HiddenEvents.packagePrivate();
        assertThat(event.getClass().getModifiers() & java.lang.reflect.Modifier.PUBLIC).isZero();
        EventShape shape = shape(event.getClass());

        assertThat(shape.eventType(event)).isEqualTo("hidden.happened");
        assertThat(shape.severity(event)).isEqualTo("debug");
        assertThat(shape.id(event)).isEqualTo("h-1");
        assertThat(shape.timestamp(event)).isEqualTo(WHEN.toEpochMilli());
        assertThat(accessorErrors).hasValue(0);
    }

    /** Accessors kept to the event's package, one inherited; a private one is the class's own business. */
    static class PackageScopedBase {
        String aggregateId() {
            return "scoped-aggregate";
        }
    }

    static final class PackageScoped extends PackageScopedBase {
        String id() {
            return "scoped-1";
        }

        private String getType() {
            return "private.type";
        }
    }

    @Test
    void packagePrivateAccessorsAreReadAndPrivateOnesAreNot() {
        Object event = new PackageScoped();
        EventShape shape = shape(event.getClass());

        assertThat(shape.id(event)).isEqualTo("scoped-1");
        assertThat(shape.aggregateId(event)).isEqualTo("scoped-aggregate");
        assertThat(shape.eventType(event)).isNotEqualTo("private.type").endsWith("PackageScoped");
        assertThat(accessorErrors).hasValue(0);
    }

    @Test
    void aNonPublicClassImplementingAPublicInterfaceIsReadable() {
        Object event = HiddenEvents.anonymous();

        assertThat(shape(event.getClass()).eventType(event)).isEqualTo("anonymous.named");
    }

    @Test
    void aPublicGetterInheritedFromANonPublicSuperclassIsReadable() {
        Object event = HiddenEvents.inherited();

        assertThat(shape(event.getClass()).aggregateId(event)).isEqualTo("base-aggregate");
        assertThat(accessorErrors).hasValue(0);
    }

    @Test
    void enumLabelsAreTheConstantsNamesEvenWithConstantBodiesOrToString() {
        assertThat(EventShape.label(Level.WARN)).isEqualTo("WARN");
        assertThat(EventShape.label(Level.CRITICAL)).isEqualTo("CRITICAL");
        assertThat(EventShape.label(Thread.State.TIMED_WAITING)).isEqualTo("TIMED_WAITING");
        assertThat(EventShape.label(3)).isEqualTo("3");
        assertThat(EventShape.label("")).isNull();
        assertThat(EventShape.label(null)).isNull();
    }

    @Test
    void anEnumEventTypeKeepsItsNameWhereAnEnumSeverityIsLowerCased() {
        // The severity is the agent's to normalise (info, warning); the event type is the
        // service's own name, which the journal keeps and the command line's --type matches.
        Map<String, Object> event = Map.of("type", Level.CRITICAL, "severity", Level.CRITICAL);

        assertThat(shape(Map.class).eventType(event)).isEqualTo("CRITICAL");
        assertThat(shape(Map.class).severity(event)).isEqualTo("critical");
    }

    @Test
    void aClassAsEventTypeGivesItsSimpleName() {
        // Axon's messages give their payload type as a Class (the axon preset reads payloadType):
        // "OrderPlaced", as an event read without an accessor is named, not "class com.acme.OrderPlaced".
        assertThat(shape(Map.class).eventType(Map.of("type", RecordLike.class))).isEqualTo("RecordLike");
        Class<?> anonymous = new Object() { }.getClass();
        assertThat(shape(Map.class).eventType(Map.of("type", anonymous)))
                .isEqualTo(anonymous.getName().substring(anonymous.getName().lastIndexOf('.') + 1))
                .matches("EventShapeTest\\$[0-9]+");
        assertThat(shape(Map.class).eventType(Map.of("type", int[].class))).isEqualTo("int[]");
    }

    // ---- accessors that fail ------------------------------------------------------------------

    @Test
    void anAccessorThatThrowsCountsAsAbsentAndIsCounted() {
        Throwing event = new Throwing();
        EventShape shape = shape(Throwing.class);

        assertThat(shape.eventType(event)).isEqualTo("Throwing");
        assertThat(accessorErrors).hasValue(1);
        assertThat(shape.timestamp(event)).isEqualTo(EventShape.NO_TIME);
        assertThat(accessorErrors).hasValue(2);
        assertThat(shape.id(event)).isNull();
        assertThat(accessorErrors).hasValue(3);
        assertThat(shape.severity(event)).isEqualTo("info"); // the others still work
        assertThat(accessorErrors).hasValue(3);
    }

    @Test
    void anAttributeWhoseToStringThrowsCountsAsAbsent() {
        BadLabel event = new BadLabel();
        EventShape shape = shape(BadLabel.class);

        assertThat(shape.eventType(event)).isEqualTo("BadLabel");
        assertThat(shape.severity(event)).isEqualTo("unknown");
        assertThat(accessorErrors).hasValue(2);
    }

    // ---- timestamps ---------------------------------------------------------------------------

    static Stream<Arguments> timestamps() {
        long millis = WHEN.toEpochMilli();
        LocalDateTime local = LocalDateTime.ofInstant(WHEN, ZoneId.systemDefault()); // as LocalDateTime.now() gives
        return Stream.of(
                Arguments.of(WHEN, millis),
                Arguments.of(millis, millis),
                Arguments.of(new Date(millis), millis),
                Arguments.of(OffsetDateTime.ofInstant(WHEN, ZoneOffset.ofHours(2)), millis),
                Arguments.of(ZonedDateTime.ofInstant(WHEN, ZoneId.of("America/New_York")), millis),
                Arguments.of("2024-05-01T10:15:30.123Z", millis),
                Arguments.of("2024-05-01T12:15:30.123+02:00", millis),
                Arguments.of(new StringBuilder("2024-05-01T10:15:30.123Z"), millis),
                Arguments.of("2024-05-01T10:15:30Z", millis - 123),
                Arguments.of("2024-05-01t10:15:30.123z", millis),
                Arguments.of("2024-05-01T10:15:30.123Z[UTC]", millis),
                Arguments.of("2024-05-01T12:15:30.123+02:00[Europe/Paris]", millis),
                Arguments.of("2024-05-01T06:15:30.123-04:00", millis),
                Arguments.of(local.toString(), EventShape.NO_TIME), // no offset: its zone unknown
                Arguments.of(local, EventShape.NO_TIME),
                Arguments.of("2024-05-01T10:15:30[Europe/Paris]", EventShape.NO_TIME),
                Arguments.of("2024-02-30T10:15:30Z", EventShape.NO_TIME),
                Arguments.of("2024-05-01T10:15:60Z", EventShape.NO_TIME), // java.time takes no leap second either
                Arguments.of("2024-05-01T10:15:30.123+99:00", EventShape.NO_TIME),
                Arguments.of("2024-13-01T10:15:30", EventShape.NO_TIME),
                Arguments.of("yesterday", EventShape.NO_TIME),
                Arguments.of("2024-05-01", EventShape.NO_TIME),
                Arguments.of("", EventShape.NO_TIME),
                Arguments.of(12, EventShape.NO_TIME),
                // the epoch is a time left unset (a long's 0, Date(0)), and so is anything before it
                Arguments.of(0L, EventShape.NO_TIME),
                Arguments.of(-1L, EventShape.NO_TIME),
                Arguments.of(Instant.EPOCH, EventShape.NO_TIME),
                Arguments.of(new Date(0), EventShape.NO_TIME),
                Arguments.of("1970-01-01T00:00:00Z", EventShape.NO_TIME),
                Arguments.of("1969-12-31T23:59:59Z", EventShape.NO_TIME),
                Arguments.of(1L, 1L),
                Arguments.of(new Object(), EventShape.NO_TIME),
                Arguments.of(null, EventShape.NO_TIME));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void timestamps(Object value, long expected) {
        assertThat(EventShape.toEpochMillis(value)).isEqualTo(expected);
    }

    @Test
    void timestampsAreReadThroughTheConventionalNames() {
        Map<String, Object> createdAt = Map.of("createdAt", new Date(WHEN.toEpochMilli()));
        Map<String, Object> garbage = Map.of("timestamp", "not a time");

        assertThat(shape(Map.class).timestamp(createdAt)).isEqualTo(WHEN.toEpochMilli());
        assertThat(shape(Map.class).timestamp(garbage)).isEqualTo(EventShape.NO_TIME);
    }

    // ---- payload sizes ------------------------------------------------------------------------

    static Stream<Arguments> payloads() {
        ByteBuffer partlyRead = ByteBuffer.wrap(new byte[100]);
        partlyRead.position(30);
        ByteBuffer direct = ByteBuffer.allocateDirect(64);
        direct.limit(50);
        return Stream.of(
                Arguments.of(new byte[0], 0L),
                Arguments.of(new byte[1234], 1234L),
                Arguments.of("", 0L),
                Arguments.of("hello", 5L),
                Arguments.of("héllo", 6L),
                Arguments.of("€", 3L),
                Arguments.of("😀", 4L),
                Arguments.of(new StringBuilder("a€😀"), 8L),
                Arguments.of(partlyRead, 70L),
                Arguments.of(direct, 50L),
                Arguments.of(42, -1L),
                Arguments.of(new Object(), -1L),
                Arguments.of(null, -1L));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource
    void payloads(Object payload, long expected) {
        assertThat(EventShape.payloadSize(payload)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {
        "", "plain ascii", "ünïcödé", "日本語のテキスト", "emoji 😀🎉 and text", "mixed ß€𝄞 done",
        "\uD83D", "a\uDE00b", "\uDE00\uD83D", "end with high \uD83D", "\u007F\u0080\u07FF\u0800\uFFFF"
    })
    void stringSizesAreTheirUtf8EncodedLength(String text) {
        assertThat(EventShape.utf8Length(text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    // ---- the sample events --------------------------------------------------------------------

    private EventShape shape(Class<?> type) {
        return new EventShape(type, CONVENTIONS, accessorErrors::incrementAndGet);
    }

    /** Defined apart, by a loader of its own, as a plugin's enum would be. */
    public enum PluginLevel {
        NOTICE,
        WARNING
    }

    enum Level {
        INFO,
        WARN,
        CRITICAL {
            @Override
            public String toString() {
                return "CRIT!";
            }
        }
    }

    /** Shaped like a record: accessors named after the components. */
    public static final class RecordLike {
        private final String eventType;
        private final Level severity;
        private final Instant timestamp;
        private final byte[] data;
        private final UUID id;
        private final String aggregateId;

        RecordLike(String eventType, Level severity, Instant timestamp, byte[] data, UUID id, String aggregateId) {
            this.eventType = eventType;
            this.severity = severity;
            this.timestamp = timestamp;
            this.data = data;
            this.id = id;
            this.aggregateId = aggregateId;
        }

        public String eventType() {
            return eventType;
        }

        public Level severity() {
            return severity;
        }

        public Instant timestamp() {
            return timestamp;
        }

        public byte[] data() {
            return data;
        }

        public UUID id() {
            return id;
        }

        public String aggregateId() {
            return aggregateId;
        }
    }

    public static class Bean {
        public String getType() {
            return "payment.failed";
        }

        public String getLevel() {
            return "error";
        }

        public ZonedDateTime getOccurredAt() {
            return ZonedDateTime.ofInstant(WHEN, ZoneId.of("Europe/Paris"));
        }

        public String getPayload() {
            return "{\"amount\":12}";
        }

        public Long getEventId() {
            return 42L;
        }

        public String getStreamId() {
            return "stream-9";
        }
    }

    public static class Flagged {
        public boolean isCritical() {
            return true;
        }
    }

    public static class PublicFields {
        public String type = "stock.reserved";
        public String severity = "info";
        public OffsetDateTime createdAt = OffsetDateTime.ofInstant(WHEN, ZoneOffset.UTC);
        public byte[] payload = {1, 2, 3};
        public String identifier = "evt-1";
        public String aggregateId = "sku-7";
        public static String id = "static fields are not attributes";
    }

    public static class Primitive {
        public long timestamp() {
            return WHEN.toEpochMilli();
        }

        public int id() {
            return 7;
        }
    }

    public static class TwoNames {
        private final String eventType;

        TwoNames() {
            this("from-eventType");
        }

        TwoNames(String eventType) {
            this.eventType = eventType;
        }

        public String type() {
            return "from-type";
        }

        public String eventType() {
            return eventType;
        }
    }

    /** Shaped like a Kubernetes Event of a client library: its attributes are a step or two in. */
    public static class KubeEvent {
        public ObjectMeta metadata = new ObjectMeta();
        public final Reference involvedObject = new Reference();
        MicroTime eventTime;
        String lastTimestamp;

        public String getReason() {
            return "BackOff";
        }

        public String getType() {
            return "Warning";
        }

        public ObjectMeta getMetadata() {
            return metadata;
        }

        public MicroTime getEventTime() {
            return eventTime;
        }

        public String getLastTimestamp() {
            return lastTimestamp;
        }
    }

    public static class ObjectMeta {
        public String getUid() {
            return "uid-of-the-event";
        }

        public Map<String, String> getLabels() {
            return Map.of("team", "payments");
        }

        public String getBroken() {
            throw new IllegalStateException("the event's own failure");
        }
    }

    public static class Reference {
        public String uid = "uid-of-the-pod";
    }

    public static class MicroTime {
        private final String time;

        MicroTime(String time) {
            this.time = time;
        }

        public String getTime() {
            return time;
        }
    }

    public static class Subjected {
        private final Object subject;

        Subjected(Object subject) {
            this.subject = subject;
        }

        public Object subject() {
            return subject;
        }
    }

    public static class Pod {
        private final String name;

        Pod(String name) {
            this.name = name;
        }

        public String name() {
            return "pod:" + name;
        }
    }

    public static class Node {
        public final String name;

        Node(String name) {
            this.name = name;
        }
    }

    public static class NoAttributes {
        public void eventType() {} // void: not an accessor

        public static String severity() {
            return "static: not an accessor";
        }

        public String id(int index) {
            return "takes an argument: not an accessor";
        }
    }

    public static class Throwing {
        public String getEventType() {
            throw new IllegalStateException("lazy field not loaded");
        }

        public Instant timestamp() {
            throw new UnsupportedOperationException();
        }

        public String id() {
            throw new StackOverflowError();
        }

        public String severity() {
            return "info";
        }
    }

    public static class BadLabel {
        public Object eventType() {
            return new Object() {
                @Override
                public String toString() {
                    throw new IllegalStateException("no toString today");
                }
            };
        }

        public Object severity() {
            return eventType();
        }
    }
}
