package io.kube9.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    // ---- value parsing, one table per kind of value -------------------------------------------

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({
        "true, true", "TRUE, true", "yes, true", "on, true", "1, true", "' On ', true",
        "false, false", "False, false", "no, false", "off, false", "0, false"
    })
    void booleans(String text, boolean expected) {
        AgentConfig config = fromProperty("kube9.journal.payload", text);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.JOURNAL_PAYLOAD)).isEqualTo(expected);
        assertThat(config.origin(Keys.JOURNAL_PAYLOAD)).isEqualTo("system property");
    }

    @ParameterizedTest(name = "{0}=\"{1}\" -> {2}")
    @CsvSource({
        "kube9.exporter.port, 0, 0",
        "kube9.exporter.port, 65535, 65535",
        "kube9.exporter.port, ' 9470 ', 9470",
        "kube9.exporter.port, 1_024, 1024",
        "kube9.queue.capacity, 2, 2",
        "kube9.queue.capacity, 4194304, 4194304",
        "kube9.queue.lanes, 1, 1",
        "kube9.queue.lanes, 64, 64",
        "kube9.metrics.label-limit, 1, 1",
        "kube9.journal.payload-max-bytes, 0, 0",
    })
    void integersWithinTheirRange(String key, String text, int expected) {
        AgentConfig config = fromProperty(key, text);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.byName(key))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({
        "90s, PT1M30S", "15m, PT15M", "2h, PT2H", "7d, PT168H", "0, PT0S", "0s, PT0S",
        "100ms, PT0.1S", "5M, PT5M", "' 30s ', PT30S", "36500d, PT876000H", "1h30m, PT1H30M", "1_000ms, PT1S"
    })
    void durations(String text, String expected) {
        AgentConfig config = fromProperty("kube9.journal.retention.age", text);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.JOURNAL_RETENTION_AGE)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({"500ms, PT0.5S", "0, PT0S", "2s, PT2S", "60s, PT1M", "1m, PT1M"})
    void flushIntervals(String text, String expected) {
        AgentConfig config = fromProperty("kube9.journal.flush-interval", text);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.JOURNAL_FLUSH_INTERVAL)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({
        "0, 0", "4096, 4096", "10B, 10", "64KB, 65536", "64kb, 65536", "512MB, 536870912",
        "1 MB, 1048576", "2GB, 2147483648"
    })
    void byteSizes(String text, long expected) {
        AgentConfig config = fromProperty("kube9.journal.retention.bytes", text);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.JOURNAL_RETENTION_BYTES)).isEqualTo(expected);
    }

    static Stream<Arguments> lists() {
        return Stream.of(
                Arguments.of("a;b;c", List.of("a", "b", "c")),
                Arguments.of(" a ; b ", List.of("a", "b")),
                Arguments.of("a;;b;", List.of("a", "b")),
                Arguments.of("a|b", List.of("a", "b")),
                Arguments.of("a,b", List.of("a", "b")), // a comma works outside agent arguments
                Arguments.of("only", List.of("only")));
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @MethodSource
    void lists(String text, List<String> expected) {
        AgentConfig config = fromProperty("kube9.store.methods", text);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.STORE_METHODS)).isEqualTo(expected);
        assertThatThrownBy(() -> config.get(Keys.STORE_METHODS).add("x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void listsInAgentArgumentsAreSeparatedBySemicolons() {
        AgentConfig config = load("store.methods=persist;write,store.types=*Repository", new Properties(), Map.of());

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.STORE_METHODS)).containsExactly("persist", "write");
        assertThat(config.get(Keys.STORE_TYPES)).containsExactly("*Repository");
    }

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource({"axon, AXON", "AXON, AXON", "none, NONE"})
    void choices(String text, Keys.Preset expected) {
        assertThat(fromProperty("kube9.preset", text).get(Keys.PRESET)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}=\"{1}\"")
    @CsvSource({
        "kube9.journal.payload, maybe, true or false",
        "kube9.journal.payload, '', true or false",
        "kube9.exporter.port, -3, a whole number from 0 to 65535",
        "kube9.exporter.port, 65536, a whole number from 0 to 65535",
        "kube9.exporter.port, abc, a whole number from 0 to 65535",
        "kube9.exporter.port, 1.5, a whole number from 0 to 65535",
        "kube9.exporter.port, 99999999999999999999, a whole number from 0 to 65535",
        "kube9.queue.capacity, 1, a whole number from 2 to 4194304",
        "kube9.queue.capacity, 4194305, a whole number from 2 to 4194304",
        "kube9.queue.lanes, 0, a whole number from 1 to 64",
        "kube9.queue.lanes, 65, a whole number from 1 to 64",
        "kube9.queue.lanes, two, a whole number from 1 to 64",
        "kube9.journal.retention.rows, -1, a whole number >= 0",
        "kube9.journal.retention.age, 5x, a duration",
        "kube9.journal.retention.age, 1.5h, a duration",
        "kube9.journal.retention.age, -5s, a duration",
        "kube9.journal.retention.age, -5ms, a duration",
        "kube9.journal.retention.age, 15, a duration",
        "kube9.journal.retention.age, s, a duration",
        "kube9.journal.retention.age, ms, a duration",
        "kube9.journal.retention.age, '', a duration",
        "kube9.journal.retention.age, 999999999999999d, a duration",
        "kube9.journal.retention.age, 9223372036854775807h, a duration",
        "kube9.journal.retention.age, 200000000000d, a duration",
        "kube9.journal.retention.age, 36501d, a duration",
        "kube9.journal.retention.age, 36500d1ms, a duration",
        "kube9.journal.retention.age, 30m1h, a duration",
        "kube9.journal.shutdown-timeout, 200000000000d, a duration",
        "kube9.journal.shutdown-timeout, 876001h, a duration",
        "kube9.start.defer, 200000d, a duration",
        "kube9.journal.flush-interval, 61s, a duration from 0 to 60s",
        "kube9.journal.flush-interval, 2m, a duration from 0 to 60s",
        "kube9.journal.flush-interval, soon, a duration",
        "kube9.journal.retention.bytes, -1, a size",
        "kube9.journal.retention.bytes, 1.5GB, a size",
        "kube9.journal.retention.bytes, KB, a size",
        "kube9.journal.retention.bytes, lots, a size",
        "kube9.journal.retention.bytes, 99999999999GB, a size",
        "kube9.store.methods, ';', a list separated by ';'",
        "kube9.store.methods, ' ; | ', a list separated by ';'",
        "kube9.preset, spring, 'one of none, axon'",
        "kube9.accessor.id, metadata..uid, accessor names separated by ';'",
        "kube9.accessor.aggregate-id, 'aggregateId;.uid', accessor names separated by ';'",
        "kube9.store.accessor.event-type, 'reason.', accessor names separated by ';'",
        "kube9.exporter.host, '', a non-empty value",
    })
    void badValuesAreReportedByKeyAndValueAndKeepTheDefault(String key, String text, String expected) {
        AgentConfig config = fromProperty(key, text);
        Key<?> parsed = Keys.byName(key);

        assertThat(config.problems()).singleElement().asString()
                .startsWith(key + ": expected " + expected)
                .contains("found \"" + text.trim() + "\"")
                .contains("from system property")
                .contains("using the default");
        assertThat(config.get(parsed)).isEqualTo(TestConfigs.defaults().get(parsed));
        assertThat(config.origin(parsed)).isEqualTo("default");
    }

    @Test
    void aSiteReadsItsOwnAccessorNamesWhereGivenAndTheSharedOnesElse() {
        AgentConfig config = load("recorder.accessor.event-type=reason,store.accessor.id=metadata.uid,accessor.id=uuid",
                new Properties(), Map.of("KUBE9_PROJECTION_ACCESSOR_TIMESTAMP", "eventTime.time;lastTimestamp"));

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.RECORDER_ACCESSORS.eventType)).containsExactly("reason");
        assertThat(config.get(Keys.STORE_ACCESSORS.id)).containsExactly("metadata.uid");
        assertThat(config.get(Keys.PROJECTION_ACCESSORS.timestamp)).containsExactly("eventTime.time", "lastTimestamp");
        assertThat(config.get(Keys.RECORDER_ACCESSORS.id)).as("unset: no default of its own").isNull();
        assertThat(config.get(Keys.ACCESSOR_ID)).containsExactly("uuid");
        assertThat(load("accessor.id=metadata . uid;id", new Properties(), Map.of()).get(Keys.ACCESSOR_ID))
                .as("spaces around a path's dots").containsExactly("metadata.uid", "id");
    }

    @Test
    void badValueMessageReadsLikeTheStyleGuideExample() {
        AgentConfig config = load("queue.capacity=-3", new Properties(), Map.of());

        assertThat(config.problems()).containsExactly("kube9.queue.capacity: expected a whole number from 2 to 4194304,"
                + " found \"-3\" (from agent argument; using the default \"262144\")");
        assertThat(config.get(Keys.QUEUE_CAPACITY)).isEqualTo(262_144);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        AgentConfig config = load(null, new Properties(), Map.of());

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.ENABLED)).isTrue();
        assertThat(config.get(Keys.CONFIG)).isNull();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(9469);
        assertThat(config.get(Keys.EXPORTER_HOST)).isEqualTo("0.0.0.0");
        assertThat(config.get(Keys.JOURNAL_PATH)).isEqualTo("kube9-events.db");
        assertThat(config.get(Keys.JOURNAL_ENABLED)).isTrue();
        assertThat(config.get(Keys.JOURNAL_PAYLOAD)).isFalse();
        assertThat(config.get(Keys.QUEUE_CAPACITY)).isEqualTo(262_144);
        assertThat(config.get(Keys.STORE_PATH)).isNull();
        assertThat(config.get(Keys.JOURNAL_RETENTION_AGE)).isEqualTo(Duration.ofDays(7));
        assertThat(config.get(Keys.RECORDER_TYPES)).containsExactly("*EventRecorder");
        assertThat(config.get(Keys.STORE_METHODS)).containsExactly("store", "append", "appendEvents", "save");
        assertThat(config.get(Keys.PROJECTION_METHODS)).containsExactly("processEvent", "project", "handle", "apply", "on");
        for (Key<?> key : Keys.all()) {
            assertThat(config.origin(key)).as(key.name()).isEqualTo("default");
        }
    }

    // ---- sources and their precedence ---------------------------------------------------------

    @ParameterizedTest(name = "args={0} props={1} env={2} file={3} -> {4}")
    @CsvSource({
        "true, true, true, true, 1001, agent argument",
        "false, true, true, true, 1002, system property",
        "false, false, true, true, 1003, environment",
        "false, false, false, true, 1004, file",
        "false, false, false, false, 9469, default",
        "true, false, false, true, 1001, agent argument",
        "false, true, false, true, 1002, system property",
        "true, false, true, false, 1001, agent argument",
    })
    void precedenceIsArgumentsThenPropertiesThenEnvironmentThenFileThenDefault(boolean inArgs, boolean inProps,
            boolean inEnv, boolean inFile, int expectedPort, String expectedOrigin) throws IOException {
        Path file = write("kube9.properties", "exporter.port=1004\n");
        Properties props = new Properties();
        Map<String, String> env = new HashMap<>();
        if (inFile) {
            props.setProperty("kube9.config", file.toString());
        }
        if (inProps) {
            props.setProperty("kube9.exporter.port", "1002");
        }
        if (inEnv) {
            env.put("KUBE9_EXPORTER_PORT", "1003");
        }
        AgentConfig config = load(inArgs ? "exporter.port=1001" : "", props, env);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(expectedPort);
        assertThat(config.origin(Keys.EXPORTER_PORT)).startsWith(expectedOrigin);
    }

    @Test
    void eachKeyComesFromTheHighestSourceThatHasIt() throws IOException {
        Path file = write("kube9.properties", String.join("\n",
                "kube9.exporter.port=1004",
                "journal.path=/from/file.db",
                "queue.capacity=1024",
                "journal.payload=true"));
        Properties props = new Properties();
        props.setProperty("kube9.journal.path", "/from/props.db");
        props.setProperty("kube9.exporter.host", "127.0.0.1");
        props.setProperty("user.name", "not ours");
        Map<String, String> env = Map.of("KUBE9_QUEUE_CAPACITY", "2048", "KUBE9_EXPORTER_HOST", "10.0.0.1");

        AgentConfig config = load("config=" + file + ",exporter.port=1001", props, env);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1001);
        assertThat(config.get(Keys.JOURNAL_PATH)).isEqualTo("/from/props.db");
        assertThat(config.get(Keys.EXPORTER_HOST)).isEqualTo("127.0.0.1");
        assertThat(config.get(Keys.QUEUE_CAPACITY)).isEqualTo(2048);
        assertThat(config.get(Keys.JOURNAL_PAYLOAD)).isTrue();
        assertThat(config.origin(Keys.JOURNAL_PAYLOAD)).isEqualTo("file " + file);
        assertThat(config.get(Keys.CONFIG)).isEqualTo(file.toString());
    }

    @Test
    void theConfigFileNamedByTheHighestSourceIsRead() throws IOException {
        Path fromArgs = write("args.properties", "exporter.port=2001\n");
        Path fromProps = write("props.properties", "exporter.port=2002\n");
        Path fromEnv = write("env.properties", "exporter.port=2003\n");
        Properties props = new Properties();
        props.setProperty("kube9.config", fromProps.toString());
        Map<String, String> env = Map.of("KUBE9_CONFIG", fromEnv.toString());

        assertThat(load("kube9.config=" + fromArgs, props, env).get(Keys.EXPORTER_PORT)).isEqualTo(2001);
        assertThat(load("", props, env).get(Keys.EXPORTER_PORT)).isEqualTo(2002);
        assertThat(load("", new Properties(), env).get(Keys.EXPORTER_PORT)).isEqualTo(2003);
    }

    @Test
    void theConfigFilesPathIsTrimmedAsEveryValueIs() throws IOException {
        Path file = write("spaced.properties", "exporter.port=2004\n");

        AgentConfig config = load("", new Properties(), Map.of("KUBE9_CONFIG", " " + file + " \t"));

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(2004);
    }

    @ParameterizedTest
    @CsvSource({"exporter.port=1234", "kube9.exporter.port=1234", "' exporter.port = 1234 '"})
    void theKube9PrefixIsOptionalInAgentArguments(String args) {
        AgentConfig config = load(args, new Properties(), Map.of());

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
        assertThat(config.origin(Keys.EXPORTER_PORT)).isEqualTo("agent argument");
    }

    @Test
    void systemPropertiesNeedThePrefix() {
        Properties props = new Properties();
        props.setProperty("exporter.port", "1234");

        AgentConfig config = load("", props, Map.of());

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(9469);
    }

    @Test
    void agentArgumentValuesMayContainEqualsSigns() {
        AgentConfig config = load("journal.path=/tmp/a=b.db", new Properties(), Map.of());

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.JOURNAL_PATH)).isEqualTo("/tmp/a=b.db");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "kube9.exporter.port, KUBE9_EXPORTER_PORT",
        "kube9.enabled, KUBE9_ENABLED",
        "kube9.journal.payload-max-bytes, KUBE9_JOURNAL_PAYLOAD_MAX_BYTES",
        "kube9.journal.retention.age, KUBE9_JOURNAL_RETENTION_AGE",
        "kube9.accessor.aggregate-id, KUBE9_ACCESSOR_AGGREGATE_ID",
    })
    void environmentNamesAreUpperCaseWithUnderscores(String key, String envName) {
        assertThat(Keys.byName(key).envName()).isEqualTo(envName);
    }

    @Test
    void everyKeyCanBeSetFromTheEnvironment() {
        for (Key<?> key : Keys.all()) {
            assertThat(key.envName()).as(key.name()).matches("KUBE9_[A-Z0-9_]+");
        }
        Map<String, String> env = Map.of(
                "KUBE9_EXPORTER_PORT", "1234",
                "KUBE9_JOURNAL_PAYLOAD_MAX_BYTES", "100",
                "KUBE9_ENABLED", "false");

        AgentConfig config = load("", new Properties(), env);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
        assertThat(config.get(Keys.JOURNAL_PAYLOAD_MAX)).isEqualTo(100);
        assertThat(config.get(Keys.ENABLED)).isFalse();
        assertThat(config.origin(Keys.EXPORTER_PORT)).isEqualTo("environment");
    }

    @Test
    void otherKube9EnvironmentVariablesAreNeitherReadNorReported() {
        Map<String, String> env = new HashMap<>(Map.of(
                "KUBE9_HOME", "/opt/kube9",
                "KUBE9_API_TOKEN", "secret",
                "KUBE9_DEBUG", "1", // the CLI's
                "KUBE9_SAMPLE_METRICS_PORT", "9469", // run-sample.sh's
                "kube9.exporter.port", "2",
                "PATH", "/usr/bin"));
        // Kubernetes' links to a service named kube9, and to one named kube9-journal
        for (String service : new String[] {"KUBE9", "KUBE9_JOURNAL"}) {
            env.put(service + "_SERVICE_HOST", "10.0.0.11");
            env.put(service + "_SERVICE_PORT", "9469");
            env.put(service + "_SERVICE_PORT_METRICS", "9469");
            env.put(service + "_PORT", "tcp://10.0.0.11:9469");
            env.put(service + "_PORT_9469_TCP", "tcp://10.0.0.11:9469");
            env.put(service + "_PORT_9469_TCP_PROTO", "tcp");
            env.put(service + "_PORT_9469_TCP_PORT", "9469");
            env.put(service + "_PORT_9469_TCP_ADDR", "10.0.0.11");
            env.put(service + "_PORT_53_UDP_ADDR", "10.0.0.11");
        }

        AgentConfig config = load("", new Properties(), env);

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(9469);
    }

    @Test
    void kubernetesLinkToAServiceNamedLikeASettingIsNotTakenForThatSetting() throws IOException {
        Path file = write("kube9.properties", "exporter.port=9500");
        Map<String, String> env = Map.of(
                "KUBE9_CONFIG", file.toString(),
                "KUBE9_EXPORTER_PORT", "tcp://10.0.0.11:9469", // a Service named kube9-exporter
                "KUBE9_EXPORTER_SERVICE_HOST", "10.0.0.11");

        AgentConfig config = load("", new Properties(), env);

        assertThat(config.get(Keys.EXPORTER_PORT)).as("the config file's port stands").isEqualTo(9500);
        assertThat(config.origin(Keys.EXPORTER_PORT)).isEqualTo("file " + file);
        assertThat(config.problems()).containsExactly("KUBE9_EXPORTER_PORT=tcp://10.0.0.11:9469: Kubernetes' link"
                + " to a Service named kube9-exporter, not a setting of the agent; ignored (set kube9.exporter.port"
                + " another way, or enableServiceLinks: false in the pod's spec)");
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "KUBE9_EXPORTER_PROT|19810|value \"19810\"|KUBE9_EXPORTER_PORT",
        "KUBE9_JOURNAL_ENABLE|false|value \"false\"|KUBE9_JOURNAL_ENABLED",
        "KUBE9_QUEUE_CAPACTY|1024|value \"1024\"|KUBE9_QUEUE_CAPACITY",
        "KUBE9_exporter_port|1|value \"1\"|KUBE9_EXPORTER_PORT",
        // ends in _PORT, but its value is no Kubernetes service link
        "KUBE9_EXPORTR_PORT|19810|value \"19810\"|KUBE9_EXPORTER_PORT",
        // further off, but in the KUBE9_JOURNAL_* group: the nearest of those
        "KUBE9_JOURNAL_RETENTION_DAYS|7|value \"7\"|KUBE9_JOURNAL_RETENTION_AGE",
        "KUBE9_JOURNAL_WAL|on|value \"on\"|KUBE9_JOURNAL_PATH",
        "KUBE9_EXPORTER_BASIC_AUTH_PASWORD|hunter2|value hidden|KUBE9_EXPORTER_BASIC_AUTH_PASSWORD",
    })
    void aMisspeltEnvironmentVariableIsReportedWithTheNameItMostLikelyMeant(String name, String value, String shown,
            String meant) {
        AgentConfig config = load("", new Properties(), Map.of(name, value));

        assertThat(config.problems()).containsExactly(
                name + ": unknown key (from environment, " + shown + "); ignored (did you mean " + meant + "?)");
        for (Key<?> key : Keys.all()) {
            assertThat(config.origin(key)).as(key.name()).isEqualTo("default");
        }
    }

    @Test
    void misspeltEnvironmentVariablesAreReportedOnceEachInNameOrder() {
        Map<String, String> env = Map.of(
                "KUBE9_JOURNAL_ENABLE", "false",
                "KUBE9_EXPORTER_PROT", "19810",
                "KUBE9_JOURNAL_PATH", "/data/e.db",
                "KUBE9_SERVICE_HOST", "10.0.0.11");

        AgentConfig config = load("", new Properties(), env);

        assertThat(config.problems()).containsExactly(
                "KUBE9_EXPORTER_PROT: unknown key (from environment, value \"19810\"); ignored"
                        + " (did you mean KUBE9_EXPORTER_PORT?)",
                "KUBE9_JOURNAL_ENABLE: unknown key (from environment, value \"false\"); ignored"
                        + " (did you mean KUBE9_JOURNAL_ENABLED?)");
        assertThat(config.get(Keys.JOURNAL_ENABLED)).isTrue();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(9469);
        assertThat(config.get(Keys.JOURNAL_PATH)).isEqualTo("/data/e.db");
    }

    // ---- problems -----------------------------------------------------------------------------

    @Test
    void unknownKeysAreReportedWithTheirValueAndSourceAndIgnored() throws IOException {
        Path file = write("kube9.properties", "exporter.prot=3\n");
        Properties props = new Properties();
        props.setProperty("kube9.bogus", "2");
        props.setProperty("kube9.config", file.toString());

        AgentConfig config = load("exporter.prot=1,exporter.port=1234", props, Map.of());

        // each source that misspells it is named: fixed in one, the other would still be wrong
        assertThat(config.problems()).containsExactlyInAnyOrder(
                "kube9.exporter.prot: unknown key (from file " + file + ", value \"3\"); ignored"
                        + " (did you mean kube9.exporter.port?)",
                "kube9.exporter.prot: unknown key (from agent argument, value \"1\"); ignored"
                        + " (did you mean kube9.exporter.port?)",
                "kube9.bogus: unknown key (from system property, value \"2\"); ignored");
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
    }

    @Test
    void aKeyWithoutItsMiddlePartIsPointedToTheKeyItEndsLike() {
        Properties props = new Properties();
        props.setProperty("kube9.port", "9470");

        AgentConfig config = load("", props, Map.of("KUBE9_PORT", "9471"));

        // the environment's KUBE9_* may be the service's own: only a misspelling is said
        assertThat(config.problems()).containsExactly(
                "kube9.port: unknown key (from system property, value \"9470\"); ignored"
                        + " (did you mean kube9.exporter.port?)");
    }

    @Test
    void theValueOfAnUnknownKeyThatMayBeASecretIsNotRepeated() {
        Properties props = new Properties();
        props.setProperty("kube9.exporter.basic-auth.pasword", "hunter2");

        AgentConfig config = load("", props, Map.of("KUBE9_EXPORTER_TOKEN", "hunter3"));

        assertThat(config.problems()).containsExactly(
                "KUBE9_EXPORTER_TOKEN: unknown key (from environment, value hidden); ignored"
                        + " (did you mean KUBE9_EXPORTER_PORT?)",
                "kube9.exporter.basic-auth.pasword: unknown key (from system property, value hidden); ignored"
                        + " (did you mean kube9.exporter.basic-auth.password?)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "exporter.basic-auth.username=u,exporter.basic-auth.password=Xq7,Zk9=Wv4,exporter.port=0",
        "exporter.basic-auth.username=u,exporter.basic-auth.password=Jm2,Pt8,exporter.port=0",
        "exporter.basic-auth.username=u,exporter.basic-auth.password=Aa1,Bb2,Cc3=Dd4,Ee5,exporter.port=0",
    })
    void aSecretCutAtACommaInTheAgentArgumentsIsNeitherUsedNorRepeated(String args) {
        AgentConfig config = load(args, new Properties(), Map.of());

        assertThat(config.problems()).singleElement().asString()
                .startsWith("kube9.exporter.basic-auth.password: the agent argument after it is not a setting")
                .doesNotContain("Xq7", "Zk9", "Wv4", "Jm2", "Pt8", "Aa1", "Bb2", "Cc3", "Dd4", "Ee5");
        assertThat(config.get(Keys.EXPORTER_BASIC_AUTH_PASSWORD)).as("not used cut short").isNull();
        assertThat(config.get(Keys.EXPORTER_BASIC_AUTH_USERNAME)).isEqualTo("u");
        assertThat(config.get(Keys.EXPORTER_PORT)).as("the settings after it still count").isZero();
    }

    @Test
    void aKeyGivenTwiceInTheAgentArgumentsIsReportedAndTheLastIsUsed() {
        AgentConfig config = load("exporter.port=0,journal.enabled=false,kube9.exporter.port=1", new Properties(),
                Map.of());

        assertThat(config.problems()).containsExactly(
                "kube9.exporter.port: given twice in the agent arguments; the last is used");
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1);
    }

    @Test
    void aSecretFollowedByASettingIsTakenWhole() {
        AgentConfig config = load("exporter.basic-auth.password=p4ss=word,exporter.port=0", new Properties(), Map.of());

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_BASIC_AUTH_PASSWORD)).isEqualTo("p4ss=word");
    }

    @Test
    void unknownKeyOnlyInTheFileNamesTheFile() throws IOException {
        Path file = write("kube9.properties", "journal.pth=/x.db\n");

        AgentConfig config = load("config=" + file, new Properties(), Map.of());

        assertThat(config.problems()).containsExactly(
                "kube9.journal.pth: unknown key (from file " + file + ", value \"/x.db\"); ignored"
                        + " (did you mean kube9.journal.path?)");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"oops|oops", "oops,exporter.port=1234|oops", "=5,exporter.port=1234|=5"})
    void malformedAgentArgumentsAreReportedAndTheRestStillApplies(String args, String pair) {
        AgentConfig config = load(args, new Properties(), Map.of());

        assertThat(config.problems()).containsExactly("agent argument \"" + pair + "\": expected key=value; ignored");
        if (args.contains("exporter.port")) {
            assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''", "' '", "','", "' , ,'"})
    void emptyAgentArgumentsAreFine(String args) {
        assertThat(load(args, new Properties(), Map.of()).problems()).isEmpty();
    }

    @Test
    void aMissingConfigFileIsReportedAndTheOtherSourcesStillApply() {
        Path missing = dir.resolve("nope.properties");

        AgentConfig config = load("config=" + missing + ",exporter.port=1234", new Properties(), Map.of());

        assertThat(config.problems()).singleElement().asString()
                .startsWith("kube9.config: cannot read \"" + missing + "\"")
                .endsWith("its keys are ignored");
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
    }

    @Test
    void aConfigFileThatStartsWithAByteOrderMarkReadsItsFirstKey() throws IOException {
        Path file = dir.resolve("bom.properties");
        Files.write(file, "\uFEFFexporter.port=1234\njournal.path=/x.db\n".getBytes(StandardCharsets.UTF_8));

        AgentConfig config = load("config=" + file, new Properties(), Map.of());

        assertThat(config.problems()).isEmpty();
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
    }

    @Test
    void aConfigPathThisJvmCannotOpenIsSaidSoNotCalledAnEscape() {
        AgentConfig config = load("config=/etc/kube9\u0000.properties,exporter.port=1234", new Properties(), Map.of());

        assertThat(config.problems()).singleElement().asString()
                .contains("kube9.config: cannot read").contains("not a path this JVM can open")
                .doesNotContain("escape").endsWith("its keys are ignored");
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
    }

    @Test
    void anEmptyConfigValueIsOneProblemNotARead() {
        AgentConfig config = load("config=", new Properties(), Map.of("KUBE9_EXPORTER_PORT", "1234"));

        assertThat(config.problems()).singleElement().asString().startsWith("kube9.config: ").doesNotContain("cannot read");
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
    }

    @Test
    void aDirectoryAsConfigFileIsReported() {
        AgentConfig config = load("config=" + dir, new Properties(), Map.of());

        assertThat(config.problems()).singleElement().asString().startsWith("kube9.config: cannot read \"" + dir + "\"");
    }

    @Test
    void aConfigFileThatIsNotARegularFileIsNeverReadNorWaitedFor() throws Exception {
        assumeTrue(Files.exists(Path.of("/dev/zero")), "a device to point at");
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo");

        for (Path file : List.of(Path.of("/dev/zero"), fifo)) { // /dev/zero filled the heap, a FIFO blocked the start
            AgentConfig config = load("config=" + file + ",exporter.port=1234", new Properties(), Map.of());

            assertThat(config.problems()).singleElement().asString().isEqualTo("kube9.config: cannot read \"" + file
                    + "\": not a regular file (a pipe or a device is not read); its keys are ignored");
            assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(1234);
        }
    }

    @Test
    void aConfigFileThatIsTooLargeOrNotUtf8IsReportedInPlainWords() throws IOException {
        Path large = write("large.properties", "exporter.port=1234\n" + "#".repeat(ConfigLoader.MAX_CONFIG_BYTES));
        Path latin1 = dir.resolve("latin1.properties");
        Files.write(latin1, "exporter.host=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(load("config=" + large, new Properties(), Map.of()).problems()).singleElement().asString()
                .isEqualTo("kube9.config: cannot read \"" + large + "\": " + Files.size(large)
                        + " bytes, more than a config file's " + ConfigLoader.MAX_CONFIG_BYTES + "; its keys are ignored");
        assertThat(load("config=" + latin1, new Properties(), Map.of()).problems()).singleElement().asString()
                .isEqualTo("kube9.config: cannot read \"" + latin1 + "\": not UTF-8 text; its keys are ignored");
        assertThat(load("config=" + dir.resolve("nope"), new Properties(), Map.of()).problems()).singleElement()
                .asString().isEqualTo("kube9.config: cannot read \"" + dir.resolve("nope")
                        + "\": no such file; its keys are ignored");
        assertThat(load("config=" + dir, new Properties(), Map.of()).problems()).singleElement()
                .asString().isEqualTo("kube9.config: cannot read \"" + dir + "\": it is a directory; its keys are ignored");
    }

    @Test
    void aMalformedConfigFileIsReported() throws IOException {
        Path file = write("bad.properties", "exporter.port=\\uZZZZ\n");

        AgentConfig config = load("config=" + file, new Properties(), Map.of());

        assertThat(config.problems()).singleElement().asString().startsWith("kube9.config: cannot read \"" + file + "\"");
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(9469);
    }

    @Test
    void aBadValueAtAHigherSourceIsReportedEvenWhenALowerOneIsGood() {
        Properties props = new Properties();
        props.setProperty("kube9.exporter.port", "1234");

        AgentConfig config = load("exporter.port=http", props, Map.of());

        assertThat(config.problems()).singleElement().asString()
                .startsWith("kube9.exporter.port: expected a whole number from 0 to 65535, found \"http\"")
                .contains("from agent argument");
    }

    @Test
    void aBadValueThatAHigherSourceOverridesIsReportedAsNotUsed() throws IOException {
        Path file = write("kube9.properties", "queue.capacity=lots\nexporter.port=1234\n");
        Properties props = new Properties();
        props.setProperty("kube9.queue.capacity", "4096");

        AgentConfig config = load("config=" + file, props, Map.of("KUBE9_EXPORTER_PORT", "http"));

        assertThat(config.problems()).containsExactlyInAnyOrder(
                "kube9.queue.capacity: expected a whole number from 2 to 4194304, found \"lots\" (from file " + file
                        + "; not used, as the system property gives kube9.queue.capacity)",
                "kube9.exporter.port: expected a whole number from 0 to 65535, found \"http\" (from environment;"
                        + " using the default \"9469\")");
        assertThat(config.get(Keys.QUEUE_CAPACITY)).isEqualTo(4096);
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(9469);
    }

    @Test
    void aKeyGivenTwiceInTheConfigFileIsReportedWithoutItsValuesAndTheLastLineIsUsed() throws IOException {
        Path file = write("kube9.properties", "exporter.port=1\nkube9.journal.path=/a.db\nexporter.basic-auth.password=one\n"
                + "kube9.exporter.port=2\njournal.path=/b.db\nexporter.basic-auth.password=two\nexporter.port=3\n");

        AgentConfig config = load("config=" + file, new Properties(), Map.of());

        assertThat(config.problems()).containsExactly(
                "kube9.exporter.port: given twice in file " + file + "; the last line is used",
                "kube9.journal.path: given twice in file " + file + "; the last line is used",
                "kube9.exporter.basic-auth.password: given twice in file " + file + "; the last line is used");
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(3);
        assertThat(config.get(Keys.JOURNAL_PATH)).isEqualTo("/b.db");
        assertThat(config.get(Keys.EXPORTER_BASIC_AUTH_PASSWORD)).isEqualTo("two");
    }

    @Test
    void aConfigFileThatNamesAnotherIsToldItIsNotRead() throws IOException {
        Path other = write("other.properties", "exporter.port=1\n");
        Path file = write("kube9.properties", "config=" + other + "\nexporter.port=2\n");

        AgentConfig config = load("config=" + file, new Properties(), Map.of());

        assertThat(config.problems()).containsExactly("kube9.config: ignored in file " + file
                + " (a config file does not name another; give it as an agent argument, a system property or"
                + " KUBE9_CONFIG)");
        assertThat(config.get(Keys.EXPORTER_PORT)).isEqualTo(2);
        assertThat(config.origin(Keys.CONFIG)).isEqualTo("agent argument");
    }

    @ParameterizedTest
    @CsvSource({"Kube9.journal.path", "KUBE9.JOURNAL.PATH", "kube9.Journal.Path"})
    void aKeyInTheWrongCaseIsReportedWithTheKeyItMeantFromEverySource(String name) throws IOException {
        Properties props = new Properties();
        props.setProperty(name, "/p.db");
        Path file = write("kube9.properties", name + "=/f.db\n");

        List<String> fromArgs = load(name + "=/a.db", new Properties(), Map.of()).problems();
        List<String> fromProps = load("", props, Map.of()).problems();
        List<String> fromFile = load("config=" + file, new Properties(), Map.of()).problems();

        String meant = "; ignored (did you mean kube9.journal.path?)";
        assertThat(fromArgs).containsExactly(name + ": unknown key (from agent argument, value \"/a.db\")" + meant);
        assertThat(fromProps).containsExactly(name + ": unknown key (from system property, value \"/p.db\")" + meant);
        assertThat(fromFile).containsExactly(
                name + ": unknown key (from file " + file + ", value \"/f.db\")" + meant);
    }

    @Test
    void theConfigIsImmutable() {
        AgentConfig config = load("oops", new Properties(), Map.of());

        assertThatThrownBy(() -> config.problems().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThat(config.problems()).hasSize(1);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static AgentConfig load(String args, Properties props, Map<String, String> env) {
        return ConfigLoader.load(args, props, env);
    }

    private static AgentConfig fromProperty(String key, String value) {
        Properties props = new Properties();
        props.setProperty(key, value);
        return load("", props, Map.of());
    }

    private Path write(String name, String content) throws IOException {
        return Files.write(dir.resolve(name), Arrays.asList(content.split("\n")), StandardCharsets.UTF_8);
    }
}
