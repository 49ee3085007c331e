package io.kube9.agent.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "jvms", mixinStandardHelpOptions = true, versionProvider = Cli.VersionProvider.class,
        description = {"List the JVMs on this machine that this user can attach to (like jps), except this one.",
                "A JVM started with -XX:-UsePerfData, or in another container, is not listed."})
final class JvmsCommand implements Callable<Integer> {
    /** Lower case: the constants are the command-line spelling. */
    enum Format { table, json }

    private static final int MAX_MAIN = 100;

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        List<LocalJvm> jvms = LocalJvms.list();
        PrintWriter out = spec.commandLine().getOut();
        if (format == Format.json) {
            List<Object> entries = new ArrayList<>();
            for (LocalJvm jvm : jvms) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("pid", jvm.pid);
                entry.put("main", jvm.main);
                entry.put("arguments", jvm.arguments);
                entries.add(entry);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("jvms", entries);
            out.println(Json.pretty(json));
        } else if (jvms.isEmpty()) {
            out.println("no other JVMs found");
        } else {
            // The main class or jar is what tells JVMs apart: it gets the room, the arguments are cut.
            TextTable table = new TextTable("PID", "MAIN", "ARGUMENTS").alignRight(0).maxWidth(1, MAX_MAIN);
            for (LocalJvm jvm : jvms) {
                String main = jvm.main.isEmpty() ? "(unknown)" : TextTable.cutLeft(jvm.main, MAX_MAIN);
                table.add(Long.toString(jvm.pid), main, jvm.arguments);
            }
            table.print(out);
        }
        out.flush();
        return 0;
    }
}
