package io.kube9.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kube9.agent.runtime.Version;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CliTest {
    @Test
    void versionIsTheAgentsVersion() {
        CliRun run = CliRun.run("--version");

        assertThat(run.exitCode).isZero();
        assertThat(run.out.trim()).isEqualTo("kube9-agent " + Version.current());
        assertThat(Version.current()).isNotEqualTo("unknown");
    }

    @Test
    void withoutACommandTheOverviewIsAUsageError() {
        CliRun run = CliRun.run();

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err).startsWith("Usage: java -jar kube9-agent.jar [-hV] [COMMAND]")
                .contains("query", "jvms", "attach")
                .endsWith(System.lineSeparator() + "kube9: missing a command: one of query, jvms, attach, help"
                        + System.lineSeparator());
    }

    @ParameterizedTest
    @ValueSource(strings = {"query events list", "query events get", "query events stats", "query events tail",
        "jvms", "attach", "query", "query events"})
    void everyCommandHasHelp(String command) {
        CliRun run = CliRun.run((command + " --help").split(" "));

        assertThat(run.exitCode).isZero();
        assertThat(run.out).startsWith("Usage: java -jar kube9-agent.jar " + command);
        assertThat(run.err).isEmpty();
    }

    @Test
    void helpCommandWorksToo() {
        CliRun run = CliRun.run("help", "query");

        assertThat(run.exitCode).isZero();
        assertThat(run.out).startsWith("Usage: java -jar kube9-agent.jar query");
    }

    @Test
    void helpCommandGoesDownEveryWordAndNamesOneThatIsNoCommand() {
        CliRun list = CliRun.run("help", "query", "events", "list");
        CliRun overview = CliRun.run("help");
        CliRun unknown = CliRun.run("help", "query", "bogus");

        assertThat(list.exitCode).isZero();
        assertThat(list.out).startsWith("Usage: java -jar kube9-agent.jar query events list").contains("--limit");
        assertThat(overview.exitCode).isZero();
        assertThat(overview.out).startsWith("Usage: java -jar kube9-agent.jar [-hV] [COMMAND]");
        assertThat(unknown.exitCode).isEqualTo(2);
        assertThat(unknown.out).isEmpty();
        assertThat(unknown.err).startsWith("kube9: Unknown command 'query bogus' (one of events follows 'query')")
                .hasLineCount(1);
    }

    @Test
    void aValueStartingWithAnAtSignIsTheValueNotAFileToRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("args");
        Files.write(file, List.of("first-line", "second-line"));

        CliRun run = CliRun.run("query", "events", "list", "--db", dir.resolve("missing.db").toString(),
                "--type", "@" + file);

        assertThat(run.exitCode).as(run.err).isNotEqualTo(2); // not a usage error: the journal is what is missing
        assertThat(run.err).contains("missing.db").doesNotContain("first-line", "second-line");
    }

    @Test
    void withoutALocaleTheOutputIsUtf8AllTheSame(@TempDir Path dir) throws Exception {
        String type = "Bestellung-größe-注文";
        String db;
        try (TestJournal journal = TestJournal.create(dir)) {
            db = journal.path.toString();
            journal.insert(TestJournal.row().type(type));
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Cli.class.getName(),
                "query", "events", "list", "--db", db, "--format", "csv");
        builder.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG"));
        builder.environment().put("LANG", "C"); // as under kubectl exec or cron
        Process cli = builder.redirectErrorStream(true).start();
        byte[] output = cli.getInputStream().readAllBytes();

        assertThat(cli.waitFor()).as(new String(output, StandardCharsets.UTF_8)).isZero();
        assertThat(new String(output, StandardCharsets.UTF_8)).contains("," + type + ","); // before: Bestellung-gr??e-??
    }

    @ParameterizedTest
    @ValueSource(strings = {"list", "tail", "tail --follow --interval 10ms"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aFullDiskIsSaidNotTakenForAClosedPipe(String command, @TempDir Path dir) throws Exception {
        Path full = Path.of("/dev/full");
        assumeTrue(Files.exists(full), "/dev/full");
        String db;
        try (TestJournal journal = TestJournal.create(dir)) {
            db = journal.path.toString();
            journal.insert(TestJournal.row());
        }
        List<String> commandLine = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Cli.class.getName(), "query", "events"));
        commandLine.addAll(List.of(command.split(" ")));
        commandLine.addAll(List.of("--db", db));
        ProcessBuilder builder = new ProcessBuilder(commandLine).redirectOutput(full.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG"));
        builder.environment().put("LANG", "C"); // the system's words for the error in English
        Process cli = builder.start();
        String err = new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(cli.waitFor()).as(err).isEqualTo(1); // before: 141 and nothing said, as for | head
        assertThat(err).isEqualTo("kube9: could not write the output: No space left on device"
                + System.lineSeparator());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "java.io.tmpdir    | missing        | does not exist",
        "java.io.tmpdir    | a-file/sub     | cannot be used: Not a directory",
        "org.sqlite.tmpdir | a-file         | is not a directory",
    })
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aNativeLibraryThatCannotBeUnpackedIsOneLineNamingTheDirectory(String property, String tmpdir, String why,
            @TempDir Path dir) throws Exception {
        String db;
        try (TestJournal journal = TestJournal.create(dir)) {
            db = journal.path.toString();
        }
        Files.createFile(dir.resolve("a-file")); // a path under a file is not writable, even for root
        Path unusable = dir.resolve(tmpdir);
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + property + "=" + unusable, "-cp", System.getProperty("java.class.path"), Cli.class.getName(),
                "query", "events", "list", "--db", db);
        builder.environment().keySet().removeIf(name -> name.startsWith("LC_") || name.equals("LANG")
                || name.equals(Cli.DEBUG_ENV));
        builder.environment().put("LANG", "C"); // the system's words for the error in English
        Process cli = builder.start();
        cli.getOutputStream().close();
        String err = new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(cli.waitFor()).as(err).isEqualTo(1);
        // before: sqlite-jdbc's stack traces, then "kube9: Error opening connection"
        assertThat(err).isEqualTo("kube9: SQLite's native library could not be loaded: the agent unpacks it into"
                + " the temporary directory " + unusable + ", which " + why + "; give it a writable directory with"
                + " -Djava.io.tmpdir=DIR or -Dorg.sqlite.tmpdir=DIR" + System.lineSeparator());
    }

    @Test
    void anUnknownOptionIsOneLineAndExitTwo() {
        CliRun run = CliRun.run("query", "events", "list", "--bogus");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err).isEqualTo("kube9: Unknown option: '--bogus' (see 'java -jar kube9-agent.jar query events"
                + " list --help')" + System.lineSeparator());
    }

    @Test
    void aMistypedOptionGetsASuggestion() {
        CliRun run = CliRun.run("query", "events", "list", "--sinse", "1h");

        assertThat(run.exitCode).isEqualTo(2);
        // picocli cannot tell whether "1h" belonged to the unknown option, so it names both.
        assertThat(run.err).startsWith("kube9: Unknown options: '--sinse', '1h'; did you mean --site or --since?")
                .hasLineCount(1);
    }

    @Test
    void wordsAfterTheEndOfOptionsAreNamedAsArgumentsNotAsUnknownOptions() {
        CliRun list = CliRun.run("query", "events", "list", "--", "--limit", "5");
        CliRun get = CliRun.run("query", "events", "get", "7", "--", "--format", "json");

        assertThat(list.exitCode).isEqualTo(2);
        // before: "Unknown options: '--limit', '5'; did you mean --limit?"
        assertThat(list.err).isEqualTo("kube9: unexpected arguments '--limit', '5' after '--': list takes no"
                + " arguments, and after '--' every word is one, even one starting with '-' (see 'java -jar"
                + " kube9-agent.jar query events list --help')" + System.lineSeparator());
        assertThat(get.exitCode).isEqualTo(2);
        assertThat(get.err).startsWith("kube9: unexpected arguments '--format', 'json' after '--': get takes only"
                + " ID, and after '--' every word is one").hasLineCount(1);
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        CliRun run = CliRun.run("qeury", "events", "list");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).startsWith("kube9: ").contains("'qeury'").contains("did you mean query").hasLineCount(1);
    }

    @Test
    void aGroupWithoutItsCommandIsAUsageError() {
        CliRun run = CliRun.run("query", "events");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).isEqualTo("kube9: missing a command: one of list, get, stats, tail (see 'java -jar"
                + " kube9-agent.jar query events --help')" + System.lineSeparator());
    }

    @Test
    void oneLineJoinsMultiLineMessages() {
        assertThat(Cli.oneLine("first\n  second\r\nthird ")).isEqualTo("first second third");
        assertThat(Cli.oneLine(null)).isEmpty();
    }
}
