package io.kube9.agent.queue;

/**
 * The heap a queue's slot arrays take in this JVM, as its collector lays them out: what the
 * agent sizes the queue by ({@code AgentRuntime}), rather than slots times 64 bytes.
 *
 * <p>Two things made the queue take up to twice its budget (found in a trial of small heaps):
 * <ul>
 *   <li><b>Regions.</b> Each lane's arrays are a power of two in length, so with their 16-byte
 *       header they are a power of two and a bit in bytes. An array of at least half a G1 region
 *       takes whole regions of its own ("humongous"), and so does one of Shenandoah's, or a large
 *       page of ZGC's: 4 MB and 16 bytes take five regions of 1 MB. With {@code -Xmx64m}, 8 MB of
 *       slots took 12 regions.
 *   <li><b>References.</b> A slot's references are 4 bytes with compressed references and 8
 *       without: ZGC never compresses them, nor does any collector on heaps of 32 GB and more.
 * </ul>
 *
 * <p>The granule is G1's region as G1 chooses it by default (the maximum heap / 2,048, a power of
 * two from 1 to 32 MB). A collector that does not round (Serial, Parallel) gets a queue a little
 * smaller than it could hold; one whose granule is larger (ZGC's large pages) a little more.
 */
public final class SlotFootprint {
    /** An array's header: mark word, class pointer and length, aligned for long elements. */
    static final int ARRAY_HEADER = 16;
    private static final long MB = 1024 * 1024;

    private final int referenceBytes;
    private final long granule;

    /** @param granule what an array of at least half of it is rounded up to a multiple of; 0: none */
    SlotFootprint(int referenceBytes, long granule) {
        this.referenceBytes = referenceBytes;
        this.granule = granule;
    }

    /** This JVM's: its reference size, and the region G1 would choose for its maximum heap. */
    public static SlotFootprint ofThisJvm() {
        return new SlotFootprint(thisJvmsReferenceBytes(), regionFor(Runtime.getRuntime().maxMemory()));
    }

    /** G1's default region for a heap of {@code maxHeap} bytes. */
    static long regionFor(long maxHeap) {
        long target = Math.max(MB, Math.min(32 * MB, maxHeap / 2048));
        return Long.highestOneBit(target);
    }

    /**
     * 4 with compressed references, 8 without; 8 where it cannot be told (a service run as a
     * module that does not resolve {@code jdk.unsupported}): the queue is then smaller, not larger.
     */
    private static int thisJvmsReferenceBytes() {
        try {
            return Class.forName("sun.misc.Unsafe").getField("ARRAY_OBJECT_INDEX_SCALE").getInt(null);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 8;
        }
    }

    /** Heap a queue of {@code capacity} events in {@code lanes} lanes takes (both rounded as the queue rounds them). */
    public long bytes(int capacity, int lanes) {
        int laneCount = EventQueue.roundedLanes(lanes);
        long laneCapacity = Math.max(2, EventQueue.roundedCapacity(capacity) / laneCount);
        return laneCount * (array(laneCapacity * Lane.REFS * referenceBytes) + array(laneCapacity * Lane.LONGS * 8));
    }

    private long array(long elementBytes) {
        long bytes = ARRAY_HEADER + elementBytes;
        if (granule <= 0 || bytes < granule / 2) {
            return bytes;
        }
        return (bytes + granule - 1) / granule * granule;
    }

    /**
     * The capacity to give a queue asked for {@code requested} events in {@code lanes} lanes so
     * that it takes at most {@code maxBytes}: halved until it fits, but not below {@value
     * EventQueue#MIN_FITTED_CAPACITY}.
     */
    public int capacityWithin(int requested, int lanes, long maxBytes) {
        int capacity = EventQueue.roundedCapacity(requested);
        while (capacity > EventQueue.MIN_FITTED_CAPACITY && bytes(capacity, lanes) > maxBytes) {
            capacity >>= 1;
        }
        return capacity;
    }
}
