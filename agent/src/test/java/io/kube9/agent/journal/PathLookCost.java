package io.kube9.agent.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Not a test: what the journal writer's look at its path costs, the one {@code stat} it makes
 * before each batch to see that the path still names the file it writes, in the same size
 * (BENCHMARKS.md, "The journal's path, and the first lap of the queue"). Prints microseconds a look,
 * a round of 200,000 looks at a time:
 *
 * <pre>{@code java -cp agent/target/classes:agent/target/test-classes io.kube9.agent.journal.PathLookCost 5}</pre>
 */
public final class PathLookCost {
    private static final int LOOKS = 200_000;

    private PathLookCost() {}

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path file = Files.createTempFile("kube9-path-look", ".db");
        try {
            Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
            for (int round = 0; round < rounds; round++) {
                int same = 0;
                long start = System.nanoTime();
                for (int i = 0; i < LOOKS; i++) {
                    BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
                    if (key.equals(now.fileKey()) && now.size() >= 0) {
                        same++;
                    }
                }
                long nanos = System.nanoTime() - start;
                System.out.printf("round %d: %.2f us a look (%d of %d the same file)%n", round, nanos / 1e3 / LOOKS,
                        same, LOOKS);
            }
        } finally {
            Files.delete(file);
        }
    }
}
