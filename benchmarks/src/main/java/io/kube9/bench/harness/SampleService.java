package io.kube9.bench.harness;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The sample order service under one agent setup, started in a directory of its own. */
final class SampleService {
    private SampleService() {}

    /** Starts it with {@code setup}'s agent and {@code extraJvmArgs}; returns once it listens. */
    static Jvm start(Agents agents, Agents.Setup setup, Path dir, List<String> extraJvmArgs)
            throws IOException, InterruptedException {
        List<String> jvm = new ArrayList<>(setup.jvmArgs());
        jvm.addAll(extraJvmArgs);
        jvm.add("-jar");
        jvm.add(agents.sample.toString());
        Jvm process = Jvm.start(dir, jvm, List.of("--port", "0", "--store", dir.resolve("orders.db").toString()));
        return process;
    }

    /** Waits for the service's "listening" line; returns its HTTP port. */
    static int awaitListening(Jvm process) throws IOException, InterruptedException {
        return Integer.parseInt(process.await("sample-app listening on port (\\d+)", 120).group(1));
    }
}
