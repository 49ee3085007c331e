package io.kube9.agent.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedStringsTest {
    private final SharedStrings strings = new SharedStrings();

    @Test
    void anEqualStringMadeLaterGivesTheFirstInstance() {
        String first = fresh("order.created");
        String later = fresh("order.created");

        assertThat(strings.of(first)).isSameAs(first);
        assertThat(strings.of(later)).isSameAs(first).isNotSameAs(later);
        assertThat(strings.of(fresh("order.paid"))).isEqualTo("order.paid");
    }

    @Test
    void aLongStringIsNotKept() {
        String first = fresh("t".repeat(SharedStrings.MAX_LENGTH + 1));
        String later = fresh(first);

        assertThat(strings.of(first)).isSameAs(first);
        assertThat(strings.of(later)).as("not kept, so returned as it is").isSameAs(later);
    }

    @Test
    void onceFullItReturnsNewStringsAsTheyAreAndKeepsTheOnesItHas() {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < SharedStrings.SIZE * 8; i++) {
            String type = fresh("type-" + i);
            assertThat(strings.of(type)).isSameAs(type);
            if (strings.of(fresh(type)) == type) {
                kept.add(type);
            }
        }
        assertThat(kept).as("strings kept (each was the first of its value)").hasSizeGreaterThan(SharedStrings.SIZE / 2)
                .hasSizeLessThanOrEqualTo(SharedStrings.SIZE);

        String late = fresh("a type that came after the table filled");
        assertThat(strings.of(late)).isSameAs(late);
        assertThat(strings.of(fresh(late))).as("not kept").isNotSameAs(late);
        for (String type : kept) {
            assertThat(strings.of(fresh(type))).isSameAs(type);
        }
    }

    /** A new instance with the same characters, as a service that reads its events from JSON makes. */
    private static String fresh(String value) {
        return new String(value.toCharArray());
    }
}
