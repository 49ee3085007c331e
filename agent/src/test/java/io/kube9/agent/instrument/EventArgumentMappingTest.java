package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventArgumentMappingTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {
        int.class, long.class, boolean.class, char.class, byte.class, short.class, float.class, double.class,
        String.class, Integer.class, Long.class, Boolean.class, Character.class, Byte.class, Short.class,
        Float.class, Double.class
    })
    void primitivesBoxedPrimitivesAndStringsAreNeverTheEvent(Class<?> type) {
        assertThat(EventArgumentMapping.isEventType(TypeDescription.ForLoadedType.of(type))).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(classes = {
        Object.class, List.class, Map.class, Object[].class, byte[].class, ByteBuffer.class, CharSequence.class,
        Number.class, Thread.State.class, EventArgumentMappingTest.class
    })
    void anythingElseCanBeTheEvent(Class<?> type) {
        assertThat(EventArgumentMapping.isEventType(TypeDescription.ForLoadedType.of(type))).isTrue();
    }

    @Test
    void theFirstEventTypedParameterIsChosen() throws NoSuchMethodException {
        ParameterDescription chosen = EventArgumentMapping.eventParameter(method("append", String.class, long.class,
                Integer.class, Map.class, Object.class));

        assertThat(chosen.getIndex()).isEqualTo(3);
    }

    @Test
    void noParameterIsChosenWhenNoneCanBeAnEvent() throws NoSuchMethodException {
        assertThat(EventArgumentMapping.eventParameter(method("record", String.class, int.class))).isNull();
        assertThat(EventArgumentMapping.eventParameter(method("flush"))).isNull();
    }

    @Test
    void varargsAreTheEvent() throws NoSuchMethodException {
        assertThat(EventArgumentMapping.eventParameter(method("appendEvents", String.class, Object[].class))
                .getIndex()).isEqualTo(1);
    }

    private static MethodDescription method(String name, Class<?>... types) throws NoSuchMethodException {
        return new MethodDescription.ForLoadedMethod(Signatures.class.getDeclaredMethod(name, types));
    }

    @SuppressWarnings("unused")
    private static final class Signatures {
        void append(String stream, long version, Integer retries, Map<String, Object> headers, Object event) {}

        void record(String type, int severity) {}

        void flush() {}

        void appendEvents(String stream, Object... events) {}
    }
}
