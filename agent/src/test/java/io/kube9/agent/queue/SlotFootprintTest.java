package io.kube9.agent.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the queue's slot arrays take of the heap, and the capacity that fits a budget. */
class SlotFootprintTest {
    private static final long MB = 1024 * 1024;
    private static final SlotFootprint PLAIN = new SlotFootprint(4, 0);
    /** G1 with -Xmx32m to -Xmx2g: regions of 1 MB. */
    private static final SlotFootprint G1_SMALL = new SlotFootprint(4, MB);
    /** ZGC: 8-byte references. */
    private static final SlotFootprint UNCOMPRESSED = new SlotFootprint(8, 0);

    @Test
    void withoutRoundingASlotIs64BytesAndEachArrayAHeader() {
        // two lanes, two arrays each
        assertThat(PLAIN.bytes(262_144, 2))
                .isEqualTo(262_144L * EventQueue.SLOT_BYTES + 4 * SlotFootprint.ARRAY_HEADER);
        assertThat(PLAIN.capacityWithin(262_144, 2, 16 * MB)).as("the headers tip it over").isEqualTo(131_072);
        assertThat(PLAIN.capacityWithin(262_144, 2, 17 * MB)).isEqualTo(262_144);
    }

    @ParameterizedTest(name = "{0} events in {1} lanes take {2} MB of 1 MB regions")
    @CsvSource({
        // what a trial on small heaps counted as G1's humongous regions: 8, 12 and 20
        "65536, 2, 8", "131072, 2, 12", "262144, 2, 20", "262144, 1, 18", "262144, 4, 24"
    })
    void onG1EachLargeArrayTakesWholeRegionsAndItsHeaderOneMore(int capacity, int lanes, long megabytes) {
        assertThat(G1_SMALL.bytes(capacity, lanes)).isEqualTo(megabytes * MB);
    }

    @Test
    void anArrayOfLessThanHalfARegionIsNotRounded() {
        assertThat(G1_SMALL.bytes(1024, 2)).isEqualTo(2 * 2 * (SlotFootprint.ARRAY_HEADER + 512L * 32));
    }

    @ParameterizedTest(name = "{0} asked, {1} bytes -> {2}")
    @CsvSource({
        "262144, 33554432, 262144", "262144, 16777216, 131072", "262144, 8388608, 65536", "262144, 4194304, 32768",
        "262144, 1, 1024", "100, 1, 128", "200000, 20971520, 262144"
    })
    void theCapacityIsHalvedUntilItsRegionsFitButKeepsAThousandSlots(int requested, long budget, int expected) {
        assertThat(G1_SMALL.capacityWithin(requested, 2, budget)).isEqualTo(expected);
    }

    @Test
    void withoutCompressedReferencesASlotIs96Bytes() {
        assertThat(UNCOMPRESSED.bytes(262_144, 2)).isEqualTo(262_144L * 96 + 4 * SlotFootprint.ARRAY_HEADER);
        assertThat(UNCOMPRESSED.capacityWithin(262_144, 2, 16 * MB)).isEqualTo(131_072);
    }

    @ParameterizedTest(name = "max heap {0} MB -> region {1} MB")
    @CsvSource({"16, 1", "64, 1", "2048, 1", "4096, 2", "6000, 2", "16384, 8", "102400, 32"})
    void theRegionIsG1sDefaultForTheMaximumHeap(long heapMegabytes, long regionMegabytes) {
        assertThat(SlotFootprint.regionFor(heapMegabytes * MB)).isEqualTo(regionMegabytes * MB);
    }

    @Test
    void thisTestJvmCompressesItsReferences() {
        // surefire's JVM: G1 on a small heap, compressed references; 32 KB arrays are not rounded
        assertThat(SlotFootprint.ofThisJvm().bytes(1024, 1))
                .isEqualTo(1024L * EventQueue.SLOT_BYTES + 2 * SlotFootprint.ARRAY_HEADER);
    }
}
