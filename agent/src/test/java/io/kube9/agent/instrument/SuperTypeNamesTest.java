package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuperTypeNamesTest {
    /** Direct supertypes (superclass first) of a small graph with a diamond and JDK types. */
    private static final Map<String, String[]> GRAPH = Map.of(
            "shop.JdbcOrderEventStore", new String[] {"shop.BaseRepository", "shop.OrderEventStore", "java.io.Closeable"},
            "shop.BaseRepository", new String[] {"java.lang.Object", "shop.Auditable"},
            "shop.OrderEventStore", new String[] {null, "shop.Auditable"},
            "shop.Auditable", new String[] {null},
            "shop.AuditingProjector", new String[] {"shop.BaseRepository", "shop.OrderEventStore"},
            "shop.Plain", new String[] {"java.lang.Object"},
            "shop.Ledger$Companion", new String[] {"java.lang.Object"});

    private final List<String> asked = new ArrayList<>();
    private final SuperTypeNames.Supertypes supertypes = name -> {
        asked.add(name);
        return GRAPH.get(name);
    };
    private final SuperTypeNames[] sites = {
        SuperTypeNames.of(List.of("*EventRecorder")),
        SuperTypeNames.of(List.of("*EventStore", "*Ledger")),
        SuperTypeNames.of(List.of("*Projector")),
        SuperTypeNames.of(List.of("shop.Auditable")),
    };

    @Test
    void oneWalkMatchesWhatEachTargetsOwnWalkDoes() {
        for (String type : List.of("shop.JdbcOrderEventStore", "shop.BaseRepository", "shop.OrderEventStore",
                "shop.AuditingProjector", "shop.Plain", "shop.Ledger$Companion", "shop.Unknown", "java.util.List")) {
            long expected = 0;
            for (int index = 0; index < sites.length; index++) {
                if (sites[index].matches(type, supertypes)) {
                    expected |= 1L << index;
                }
            }
            assertThat(SuperTypeNames.matchedBits(sites, type, supertypes)).as(type).isEqualTo(expected);
        }
        assertThat(SuperTypeNames.matchedBits(sites, "shop.JdbcOrderEventStore", supertypes)).isEqualTo(0b1010);
        assertThat(SuperTypeNames.matchedBits(sites, "shop.AuditingProjector", supertypes)).isEqualTo(0b1110);
        assertThat(SuperTypeNames.matchedBits(sites, "shop.Ledger$Companion", supertypes)).isEqualTo(0b0010);
        assertThat(SuperTypeNames.matchedBits(sites, "shop.Plain", supertypes)).isZero();
    }

    @Test
    void eachTypeIsAskedForItsSupertypesOnceWhateverTheNumberOfTargets() {
        SuperTypeNames.matchedBits(sites, "shop.JdbcOrderEventStore", supertypes);

        assertThat(asked).containsExactlyInAnyOrder(
                "shop.JdbcOrderEventStore", "shop.BaseRepository", "shop.Auditable", "shop.OrderEventStore");
    }

    @Test
    void theWalkStopsOnceEveryTargetMatched() {
        SuperTypeNames[] two = {SuperTypeNames.of(List.of("*EventStore")), SuperTypeNames.of(List.of("shop.*"))};

        assertThat(SuperTypeNames.matchedBits(two, "shop.OrderEventStore", supertypes)).isEqualTo(0b11);
        assertThat(asked).isEmpty();
    }
}
