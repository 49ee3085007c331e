package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventParameterTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {
        int.class, long.class, boolean.class, char.class, byte.class, short.class, float.class, double.class,
        String.class, Integer.class, Long.class, Boolean.class, Character.class, Byte.class, Short.class,
        Float.class, Double.class
    })
    void primitivesBoxedPrimitivesAndStringsAreNeverTheEvent(Class<?> type) {
        assertThat(EventParameter.isEventType(Type.getType(type))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {
        Object.class, List.class, Map.class, Object[].class, byte[].class, ByteBuffer.class, CharSequence.class,
        Number.class, Thread.State.class, EventParameterTest.class
    })
    void anythingElseCanBeTheEvent(Class<?> type) {
        assertThat(EventParameter.isEventType(Type.getType(type))).isTrue();
    }

    @Test
    void theFirstEventTypedParameterIsChosen() throws NoSuchMethodException {
        String descriptor = descriptor("append", String.class, long.class, Integer.class, Map.class, Object.class);

        assertThat(EventParameter.slot(false, descriptor)).as("this, String, long (2), Integer").isEqualTo(5);
        assertThat(EventParameter.slot(true, descriptor)).isEqualTo(4);
    }

    @Test
    void noParameterIsChosenWhenNoneCanBeAnEvent() throws NoSuchMethodException {
        assertThat(EventParameter.slot(false, descriptor("record", String.class, int.class)))
                .isEqualTo(EventParameter.NONE);
        assertThat(EventParameter.slot(false, descriptor("flush"))).isEqualTo(EventParameter.NONE);
    }

    @Test
    void varargsAreTheEvent() throws NoSuchMethodException {
        assertThat(EventParameter.slot(false, descriptor("appendEvents", String.class, Object[].class)))
                .as("this, String").isEqualTo(2);
    }

    @Test
    void aSuspendFunctionsContinuationIsNeverTheEvent() {
        String append = "(Lshop/OrderEvent;Lkotlin/coroutines/Continuation;)Ljava/lang/Object;";
        String record = "(Ljava/lang/String;JLkotlin/coroutines/Continuation;)Ljava/lang/Object;";

        assertThat(EventParameter.isSuspending(append)).isTrue();
        assertThat(EventParameter.slot(false, append)).isEqualTo(1);
        assertThat(EventParameter.continuationSlot(false, append)).isEqualTo(2);
        assertThat(EventParameter.slot(false, record)).as("a String and a long only").isEqualTo(EventParameter.NONE);
        assertThat(EventParameter.continuationSlot(true, record)).as("String, long (2)").isEqualTo(3);
    }

    @Test
    void aContinuationThatIsNotLastOrAMethodThatReturnsOtherThanObjectIsNoSuspendFunction() {
        String notLast = "(Lkotlin/coroutines/Continuation;Lshop/OrderEvent;)Ljava/lang/Object;";
        String returnsVoid = "(Lkotlin/coroutines/Continuation;)V";

        assertThat(EventParameter.isSuspending(notLast)).isFalse();
        assertThat(EventParameter.slot(false, notLast)).as("a parameter like any other").isEqualTo(1);
        assertThat(EventParameter.isSuspending(returnsVoid)).isFalse();
    }

    @Test
    void kotlinsNamesAreTheirSourcesNames() {
        assertThat(KotlinNames.methodName("append-hMx4nnA")).isEqualTo("append");
        assertThat(KotlinNames.methodName("append")).isEqualTo("append");
        assertThat(KotlinNames.companionOwner("shop.LegacyEventStore$Companion")).isEqualTo("shop.LegacyEventStore");
        assertThat(KotlinNames.companionOwner("shop/LegacyEventStore$Companion")).isEqualTo("shop/LegacyEventStore");
        assertThat(KotlinNames.companionOwner("shop.LegacyEventStore")).isNull();
        assertThat(KotlinNames.companionOwner("$Companion")).isNull();
    }

    @Test
    void aCompanionObjectMatchesByTheNameOfItsClass() {
        SuperTypeNames stores = SuperTypeNames.of(List.of("*EventStore"));
        SuperTypeNames.Supertypes none = name -> new String[] {"java.lang.Object"};

        assertThat(stores.matches("shop.LegacyEventStore$Companion", none)).isTrue();
        assertThat(stores.matches("shop.LegacyProjector$Companion", none)).isFalse();
        assertThat(stores.matches("shop.LegacyEventStore$Factory", none)).as("only Kotlin's default name").isFalse();
    }

    private static String descriptor(String name, Class<?>... types) throws NoSuchMethodException {
        return Type.getMethodDescriptor(Signatures.class.getDeclaredMethod(name, types));
    }

    @SuppressWarnings("unused")
    private static final class Signatures {
        void append(String stream, long version, Integer retries, Map<String, Object> headers, Object event) {}

        void record(String type, int severity) {}

        void flush() {}

        void appendEvents(String stream, Object... events) {}
    }

    @Test
    void theDeclaredClassOfTheEventIsNamedButNotABatchsArray() {
        assertThat(EventParameter.typeName("(Ljava/lang/String;Lcom/acme/Pod;Ljava/lang/String;)V")).isEqualTo("com/acme/Pod");
        assertThat(EventParameter.typeName("([Lcom/acme/OrderEvent;)V")).isNull();
        assertThat(EventParameter.typeName("(Ljava/lang/String;J)V")).isNull();
    }
}
