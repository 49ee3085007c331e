package io.kube9.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked without an agent jar: listing, and every refusal before an attach. A real
 * attach needs the packaged jar and a second JVM (see README, "Attaching to a running JVM").
 */
class JvmsAndAttachTest {
    private static final long SELF = ProcessHandle.current().pid();

    @Test
    void jvmsLeavesOutItsOwnProcess() {
        CliRun run = CliRun.run("jvms", "--format", "json");

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("{\n  \"jvms\": [").doesNotContain("\"pid\": " + SELF + ",");
    }

    @Test
    void jvmsListsAnotherJvm() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process other = new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), SleepingMain.class.getName())
                .redirectErrorStream(true).start();
        try {
            // A JVM is listed once its perf data file exists: wait for its "ready" line.
            assertThat(new String(other.getInputStream().readNBytes(6))).isEqualTo("ready\n");

            CliRun run = CliRun.run("jvms");

            assertThat(run.exitCode).as(run.toString()).isZero();
            assertThat(run.lines()[0]).matches("\\s*PID  MAIN\\s+ARGUMENTS");
            assertThat(run.out).containsPattern(
                    "(?m)^\\s*" + other.pid() + "  " + Pattern.quote(SleepingMain.class.getName()) + "$");
        } finally {
            other.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void attachRefusesItsOwnProcess() {
        CliRun run = CliRun.run("attach", Long.toString(SELF));

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err).isEqualTo("kube9: " + SELF + " is this command's own JVM; give the pid of the JVM to"
                + " instrument" + System.lineSeparator());
    }

    @Test
    void attachToNoProcessSaysSo() {
        long unused = 4_000_000_000L; // above any Linux pid_max
        CliRun run = CliRun.run("attach", Long.toString(unused));

        assertThat(run.exitCode).isEqualTo(1);
        assertThat(run.err).isEqualTo("kube9: no process with pid " + unused + System.lineSeparator());
    }

    @Test
    void attachRefusesArgumentsTheAgentWouldIgnoreBeforeTouchingTheProcess() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            CliRun run = CliRun.run("attach", "--force", Long.toString(sleep.pid()), "exporter.port=abc",
                    "journal.pth=/x.db,config=/only/in/the/container.properties", "bogus");

            assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
            assertThat(run.out).isEmpty();
            assertThat(run.err).startsWith("kube9: not attached: the agent would ignore or replace these arguments: ")
                    .contains("kube9.exporter.port").contains("\"abc\"")
                    .contains("kube9.journal.pth: unknown key").contains("did you mean kube9.journal.path?")
                    .contains("agent argument \"bogus\": expected key=value")
                    .doesNotContain("container.properties").hasLineCount(1);
            assertThat(sleep.isAlive()).isTrue();
        } finally {
            sleep.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void attachRefusesAStartDeferralWhichAnAttachedAgentWouldIgnore() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            CliRun run = CliRun.run("attach", Long.toString(sleep.pid()), "start.defer=20s", "");

            assertThat(run.exitCode).as(run.toString()).isEqualTo(2);
            assertThat(run.err).startsWith("kube9: not attached: the agent would ignore or replace these arguments: ")
                    .contains("kube9.start.defer: an agent attached at run time starts at once").hasLineCount(1);
            assertThat(sleep.isAlive()).isTrue();
        } finally {
            sleep.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void attachLeavesAProcessThatIsNotAJvmAlone() throws Exception {
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            CliRun run = CliRun.run("attach", Long.toString(sleep.pid()));
            CliRun forced = CliRun.run("attach", "--force", Long.toString(sleep.pid()));

            assertThat(run.exitCode).isEqualTo(1);
            assertThat(run.err).isEqualTo("kube9: process " + sleep.pid() + " is not a JVM (no libjvm.so in its"
                    + " memory), and the attach handshake's SIGQUIT would end it: not attached" + System.lineSeparator());
            assertThat(forced.exitCode).as("known not to be a JVM: refused, forced or not").isEqualTo(1);
            assertThat(forced.err).isEqualTo(run.err);
            assertThat(sleep.isAlive()).isTrue();
        } finally {
            sleep.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void attachWithAJarThatIsNotTheAgentIsRefusedBeforeAttaching(@TempDir Path directory) throws Exception {
        Path notAnAgent = Files.createFile(directory.resolve("other.jar"));
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            CliRun run = CliRun.run("attach", "--force", "--jar", notAnAgent.toString(), Long.toString(sleep.pid()));

            assertThat(run.exitCode).isEqualTo(1);
            assertThat(run.err).isEqualTo("kube9: " + notAnAgent + " is not a kube9 agent jar (no Agent-Class"
                    + " io.kube9.agent.Kube9Agent in its manifest)" + System.lineSeparator());
            assertThat(sleep.isAlive()).isTrue();
        } finally {
            sleep.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void attachWithAJarThatIsNotThereSaysSo(@TempDir Path directory) throws Exception {
        Path missing = directory.resolve("kube9-agent.jar");
        Process sleep = new ProcessBuilder("sleep", "30").start();
        try {
            CliRun run = CliRun.run("attach", "--force", "--jar", missing.toString(), Long.toString(sleep.pid()));
            CliRun folder = CliRun.run("attach", "--force", "--jar", directory.toString(), Long.toString(sleep.pid()));

            assertThat(run.exitCode).isEqualTo(1);
            assertThat(run.err).isEqualTo("kube9: no such file: " + missing + " (given with --jar)"
                    + System.lineSeparator());
            assertThat(folder.exitCode).isEqualTo(1);
            assertThat(folder.err).isEqualTo("kube9: " + directory + " is a directory, not a kube9 agent jar"
                    + System.lineSeparator());
            assertThat(sleep.isAlive()).isTrue();
        } finally {
            sleep.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void attachNeedsANumericPid() {
        CliRun run = CliRun.run("attach", "my-service");

        assertThat(run.exitCode).isEqualTo(2);
        assertThat(run.err).startsWith("kube9: Invalid value for positional parameter at index 0 (PID): 'my-service'")
                .hasLineCount(1);
    }

    /** A second JVM to be listed; prints "ready" once running, then waits to be killed. */
    static final class SleepingMain {
        public static void main(String[] args) throws InterruptedException {
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
