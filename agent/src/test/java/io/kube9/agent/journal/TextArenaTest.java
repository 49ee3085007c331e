package io.kube9.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextArenaTest {
    @Test
    void textsAreCopiedInCutToTheirLimitAndReadBackAsUtf8() {
        TextArena arena = new TextArena();
        int ascii = arena.add("order-42", 512);
        int cut = arena.add("abcdef", 3);
        int other = arena.add("Größe 注文 🚀", 512);
        int empty = arena.add("", 512);

        assertThat(new String(arena.utf8(ascii, 8), StandardCharsets.UTF_8)).isEqualTo("order-42");
        assertThat(new String(arena.utf8(cut, 3), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(arena.utf8(other, "Größe 注文 🚀".length()))
                .isEqualTo("Größe 注文 🚀".getBytes(StandardCharsets.UTF_8));
        assertThat(arena.utf8(empty, 0)).isEmpty();
    }

    @Test
    void itGrowsForALargeBatchKeepingWhatItHoldsAndShrinksAgainAfterSmallOnes() {
        TextArena arena = new TextArena();
        int initial = arena.capacity();
        int[] starts = new int[5000];
        for (int i = 0; i < starts.length; i++) {
            starts[i] = arena.add(String.format("%036d", i), 512);
        }
        assertThat(arena.capacity()).isGreaterThanOrEqualTo(36 * 5000);
        for (int i = 0; i < starts.length; i++) {
            assertThat(new String(arena.utf8(starts[i], 36), StandardCharsets.US_ASCII)).isEqualTo(String.format("%036d", i));
        }

        arena.clear(); // the large batch used all of it: kept
        int large = arena.capacity();
        assertThat(large).isGreaterThan(initial);
        for (int i = 0; i < 20; i++) {
            arena.add("evt-" + i, 512);
            arena.clear();
        }
        assertThat(arena.capacity()).as("halved after each small batch, down to the first size").isEqualTo(initial);
        int start = arena.add("still-there", 512);
        assertThat(new String(arena.utf8(start, 11), StandardCharsets.US_ASCII)).isEqualTo("still-there");
    }
}
