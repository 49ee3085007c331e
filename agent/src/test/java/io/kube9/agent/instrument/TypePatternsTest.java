package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TypePatternsTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
        "*EventStore, com.acme.OrderEventStore, true",
        "*EventStore, OrderEventStore, true",
        "*EventStore, EventStore, true",
        "*EventStore, com.acme.EventStoreImpl, false",
        "*EventStore, com.acme.OrderEventStores, false",
        "*EventStore, com.acme.Ordereventstore, false",
        "*EventRecorder, com.acme.Outer$AuditEventRecorder, true",
        "com.acme.*, com.acme.OrderEventStore, true",
        "com.acme.*, com.acme.store.OrderEventStore, true",
        "com.acme.*, com.acmex.OrderEventStore, false",
        "com.acme.*, comXacme.OrderEventStore, false",
        "com.acme.*, org.com.acme.OrderEventStore, false",
        "com.acme.*, com.acme, false",
        "com.acme.Order?Store, com.acme.OrderXStore, true",
        "com.acme.Order?Store, com.acme.OrderStore, false",
        "com.acme.Order?Store, com.acme.OrderXYStore, false",
        "com.acme.*Store, com.acme.sub.OrderStore, true",
        "com.*.Order*, com.acme.OrderEventStore, true",
        "com.*.Order*, com.OrderEventStore, false",
        "com.acme.OrderEventStore, com.acme.OrderEventStore, true",
        "com.acme.OrderEventStore, com.acme.OrderEventStoreImpl, false",
        "com.acme.Outer$Inner, com.acme.Outer$Inner, true",
        "com.acme.Outer$*, com.acme.Outer$Inner, true",
        "com.acme.Outer$*, com.acme.OuterXInner, false",
        "*, anything.at.All, true",
        "*Event[Store], com.acme.EventStore, false",
        "*Event[Store], com.acme.Event[Store], true",
        "(*)Store, (x)Store, true",
    })
    void globsMatchFullyQualifiedNames(String pattern, String typeName, boolean expected) {
        assertThat(TypePatterns.matcher(pattern).test(typeName)).isEqualTo(expected);
    }

    @Test
    void aListMatchesWhenAnyPatternMatches() {
        List<String> patterns = List.of("*EventStore", "*EventStorageEngine");

        assertThat(TypePatterns.matcher(patterns).test("com.acme.OrderEventStore")).isTrue();
        assertThat(TypePatterns.matcher(patterns).test("org.axon.JdbcEventStorageEngine")).isTrue();
        assertThat(TypePatterns.matcher(patterns).test("com.acme.OrderRepository")).isFalse();
        assertThat(TypePatterns.matcher(List.of()).test("com.acme.OrderEventStore")).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "*EventStore, .*\\QEventStore\\E",
        "com.acme.*, \\Qcom.acme.\\E.*",
        "a?b, \\Qa\\E.\\Qb\\E",
        "**, .*.*",
    })
    void globsBecomeQuotedRegularExpressions(String glob, String regex) {
        assertThat(TypePatterns.toRegex(glob)).isEqualTo(regex);
    }
}
