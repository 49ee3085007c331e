package io.kube9.agent.queue;

/**
 * Not a test: shows the one recompile of {@link Lane#put} when the queue's first lap comes round.
 * Through the first lap every slot is empty, so the check that stores a repeated string only when
 * the slot holds another one always stores, and C2 compiles the other way out as never taken; the
 * first slot of the second lap takes it ({@code unstable_if}), and {@code put} runs as C1's code
 * until C2 compiles it again (BENCHMARKS.md, "The journal's path, and the first lap of the queue").
 * One thread claims and fills a lane of 65,536 slots and drains it every 1,024 events; it prints
 * each lap's start, and the JIT's log says what was compiled and undone between them:
 *
 * <pre>{@code java -Xlog:jit+compilation=debug -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation \
 *     -XX:LogFile=compile.xml -cp agent/target/classes:agent/target/test-classes \
 *     io.kube9.agent.queue.FirstLapRecompile 300000 | grep -E '^lap|Lane::put'
 * grep -o "<uncommon_trap thread=[^>]*reason='unstable_if'[^>]*>" compile.xml}</pre>
 */
public final class FirstLapRecompile {
    private static final String[] TYPES = {"order.created", "order.paid", "order.shipped"};
    private static final int LAP = 65_536;
    private static final int DRAIN_EVERY = 1024;

    private FirstLapRecompile() {}

    public static void main(String[] args) {
        long events = args.length > 0 ? Long.parseLong(args[0]) : 300_000;
        EventQueue queue = new EventQueue(LAP);
        Lane lane = queue.lane(0);
        CapturedEvent[] rows = new CapturedEvent[DRAIN_EVERY];
        for (long i = 0; i < events; i++) {
            if (i % LAP == 0) {
                System.out.println("lap " + i / LAP + " starts");
            }
            long position = lane.claim();
            if (position >= 0) {
                lane.put(position, "store", "OrderEventStore#append", TYPES[(int) (i % TYPES.length)], "info", "main",
                        "event-" + (i & 1023), "order-" + (i & 255), 1L, 2L, -1L, null);
            }
            if (i % DRAIN_EVERY == DRAIN_EVERY - 1) {
                queue.written(queue.drainTo(rows, DRAIN_EVERY));
            }
        }
    }
}
