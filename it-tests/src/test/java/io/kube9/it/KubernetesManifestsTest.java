package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.agent.config.Keys;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/kubernetes agrees with itself and with the agent: the port Prometheus is told about is
 * the port the agent listens on by default, the jar {@code JAVA_TOOL_OPTIONS} loads is the one
 * the init container copies, and the journal is written where the volume claim is mounted.
 * Nothing here needs a cluster; a mismatch would only show once deployed, as an empty dashboard.
 */
class KubernetesManifestsTest {
    private static final Path MANIFESTS = Paths.get(System.getProperty("user.dir")).resolve("../deploy/kubernetes")
            .normalize();
    private static final String METRICS_PORT_NAME = "kube9-metrics";
    /** Where the agent's exporter serves metrics (ExpositionIT scrapes it there). */
    private static final String METRICS_PATH = "/metrics";
    /** The job name the shipped alert rules select on (Kube9AgentDown). */
    private static final String JOB = "kube9-agent";

    private static final Map<String, Map<String, Object>> byKind = new LinkedHashMap<>();
    private static final List<String> files = new ArrayList<>();

    @BeforeAll
    static void readManifests() throws IOException {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        try (var paths = Files.list(MANIFESTS)) {
            for (Path file : paths.filter(f -> f.toString().endsWith(".yaml")).sorted().collect(Collectors.toList())) {
                files.add(file.getFileName().toString());
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    for (Object document : yaml.loadAll(reader)) {
                        Map<String, Object> manifest = map(document, file.toString());
                        assertThat(byKind.put((String) manifest.get("kind"), manifest))
                                .as("one %s in %s", manifest.get("kind"), MANIFESTS).isNull();
                    }
                }
            }
        }
        assertThat(byKind).containsKeys("Deployment", "Service", "PodMonitor", "PersistentVolumeClaim", "Kustomization");
    }

    @Test
    void theMetricsPortAndTheScrapeAnnotationsAreTheAgentsDefaults() {
        int defaultPort = Integer.parseInt(Keys.EXPORTER_PORT.defaultText());
        Map<String, Object> port = namedPort(appContainer(), METRICS_PORT_NAME);
        assertThat(port.get("containerPort")).isEqualTo(defaultPort);
        assertThat(port.getOrDefault("protocol", "TCP")).isEqualTo("TCP");

        Map<String, Object> annotations = map(get(podTemplate(), "metadata", "annotations"), "pod annotations");
        assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", String.valueOf(defaultPort))
                .containsEntry("prometheus.io/path", METRICS_PATH);
        // Anything that sets the exporter port elsewhere would make the annotation wrong.
        assertThat(agentArguments()).doesNotContainKey(Keys.EXPORTER_PORT.name());
        assertThat(environment()).doesNotContainKey(Keys.EXPORTER_PORT.envName());
    }

    @Test
    void javaToolOptionsLoadsTheJarTheInitContainerCopies() {
        Map<String, Object> init = single(list(get(podTemplate(), "spec", "initContainers"), "initContainers"));
        List<Object> copy = new ArrayList<>(list(init.get("command"), "init container command"));
        copy.addAll(list(init.getOrDefault("args", List.of()), "init container args"));
        assertThat(copy).as("the init container copies one file").hasSize(3).startsWith("cp");
        String destination = (String) copy.get(2);

        // The destination lies in a volume the init container shares with the service's container.
        Map<String, Object> initMount = mountHolding(init, destination);
        String volume = (String) initMount.get("name");
        assertThat(map(volume(volume), "volume " + volume)).containsKey("emptyDir");
        Map<String, Object> appMount = mountOfVolume(appContainer(), volume);
        String agentJar = Paths.get((String) appMount.get("mountPath"))
                .resolve(Paths.get((String) initMount.get("mountPath")).relativize(Paths.get(destination))).toString();

        assertThat(javaAgentPath()).isEqualTo(agentJar);
    }

    @Test
    void theJournalIsWrittenOnTheVolumeClaim() {
        String journal = agentArguments().getOrDefault(Keys.JOURNAL_PATH.name(),
                environment().getOrDefault(Keys.JOURNAL_PATH.envName(), Keys.JOURNAL_PATH.defaultText()));
        assertThat(journal).as("an absolute journal path (the working directory is the image's)").startsWith("/");

        Map<String, Object> mount = mountHolding(appContainer(), journal);
        assertThat(mount.getOrDefault("readOnly", false)).as("journal mount writable").isEqualTo(false);
        Map<String, Object> claim = map(map(volume((String) mount.get("name")), "journal volume")
                .get("persistentVolumeClaim"), "the journal volume's persistentVolumeClaim");
        assertThat(claim.get("claimName")).isEqualTo(get(byKind.get("PersistentVolumeClaim"), "metadata", "name"));
    }

    @Test
    void podMonitorAndServiceScrapeTheNamedPortOfThesePods() {
        Map<String, Object> podLabels = map(get(podTemplate(), "metadata", "labels"), "pod labels");

        Map<String, Object> podMonitor = byKind.get("PodMonitor");
        assertThat(podLabels).containsAllEntriesOf(map(get(podMonitor, "spec", "selector", "matchLabels"), "selector"));
        Map<String, Object> endpoint = single(list(get(podMonitor, "spec", "podMetricsEndpoints"), "podMetricsEndpoints"));
        assertThat(endpoint.get("port")).isEqualTo(METRICS_PORT_NAME);
        assertThat(endpoint.getOrDefault("path", METRICS_PATH)).isEqualTo(METRICS_PATH);
        assertThat(list(endpoint.get("relabelings"), "relabelings")).anySatisfy(relabeling ->
                assertThat(map(relabeling, "relabeling")).containsEntry("targetLabel", "job")
                        .containsEntry("replacement", JOB));

        Map<String, Object> service = byKind.get("Service");
        assertThat(podLabels).containsAllEntriesOf(map(get(service, "spec", "selector"), "service selector"));
        Map<String, Object> servicePort = namedPort(service.get("spec"), METRICS_PORT_NAME);
        assertThat(servicePort.get("targetPort")).isEqualTo(METRICS_PORT_NAME);
        assertThat(servicePort.get("port")).isEqualTo(Integer.parseInt(Keys.EXPORTER_PORT.defaultText()));
    }

    @Test
    void kustomizationListsEveryOtherManifest() {
        List<Object> resources = list(byKind.get("Kustomization").get("resources"), "resources");
        TreeSet<String> others = new TreeSet<>(files);
        others.remove("kustomization.yaml");
        assertThat(new TreeSet<>(resources.stream().map(String::valueOf).collect(Collectors.toList())))
                .isEqualTo(others);
    }

    private static Map<String, Object> podTemplate() {
        return map(get(byKind.get("Deployment"), "spec", "template"), "pod template");
    }

    /** The service's own container: the one that loads the agent. */
    private static Map<String, Object> appContainer() {
        List<Object> containers = list(get(podTemplate(), "spec", "containers"), "containers");
        for (Object container : containers) {
            if (!env(map(container, "container")).getOrDefault("JAVA_TOOL_OPTIONS", "").isEmpty()) {
                return map(container, "container");
            }
        }
        throw new AssertionError("no container sets JAVA_TOOL_OPTIONS in " + containers);
    }

    private static Map<String, String> environment() {
        return env(appContainer());
    }

    private static Map<String, String> env(Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object variable : list(container.getOrDefault("env", List.of()), "env")) {
            Map<String, Object> entry = map(variable, "env entry");
            env.put((String) entry.get("name"), String.valueOf(entry.get("value")));
        }
        return env;
    }

    /** {@code -javaagent:PATH[=ARGS]} from JAVA_TOOL_OPTIONS. */
    private static String javaAgentOption() {
        List<String> agents = new ArrayList<>();
        for (String option : environment().get("JAVA_TOOL_OPTIONS").trim().split("\\s+")) {
            if (option.startsWith("-javaagent:")) {
                agents.add(option.substring("-javaagent:".length()));
            }
        }
        assertThat(agents).as("-javaagent options in JAVA_TOOL_OPTIONS").hasSize(1);
        return agents.get(0);
    }

    private static String javaAgentPath() {
        String option = javaAgentOption();
        int equals = option.indexOf('=');
        return equals < 0 ? option : option.substring(0, equals);
    }

    /** The agent arguments, by full key name ({@code journal.path} becomes {@code kube9.journal.path}). */
    private static Map<String, String> agentArguments() {
        String option = javaAgentOption();
        Map<String, String> arguments = new LinkedHashMap<>();
        int equals = option.indexOf('=');
        if (equals < 0) {
            return arguments;
        }
        for (String pair : option.substring(equals + 1).split(",")) {
            String[] keyValue = pair.split("=", 2);
            assertThat(keyValue).as("agent argument %s", pair).hasSize(2);
            String key = keyValue[0].trim();
            arguments.put(key.startsWith("kube9.") ? key : "kube9." + key, keyValue[1].trim());
        }
        return arguments;
    }

    private static Object volume(String name) {
        for (Object volume : list(get(podTemplate(), "spec", "volumes"), "volumes")) {
            if (name.equals(map(volume, "volume").get("name"))) {
                return volume;
            }
        }
        throw new AssertionError("no volume " + name + " in the pod");
    }

    /** The container's volume mount whose mount path contains {@code path}. */
    private static Map<String, Object> mountHolding(Map<String, Object> container, String path) {
        for (Object mount : list(container.getOrDefault("volumeMounts", List.of()), "volumeMounts")) {
            Map<String, Object> volumeMount = map(mount, "volumeMount");
            if (Paths.get(path).startsWith(Paths.get((String) volumeMount.get("mountPath")))) {
                return volumeMount;
            }
        }
        throw new AssertionError(path + " is on no volume of container " + container.get("name")
                + " (it would not outlive the container, nor be shared)");
    }

    private static Map<String, Object> mountOfVolume(Map<String, Object> container, String volume) {
        for (Object mount : list(container.getOrDefault("volumeMounts", List.of()), "volumeMounts")) {
            if (volume.equals(map(mount, "volumeMount").get("name"))) {
                return map(mount, "volumeMount");
            }
        }
        throw new AssertionError("container " + container.get("name") + " does not mount volume " + volume);
    }

    private static Map<String, Object> namedPort(Object holder, String name) {
        for (Object port : list(map(holder, "ports holder").get("ports"), "ports")) {
            if (name.equals(map(port, "port").get("name"))) {
                return map(port, "port");
            }
        }
        throw new AssertionError("no port named " + name + " in " + holder);
    }

    private static Object get(Object node, String... path) {
        Object current = node;
        for (String key : path) {
            current = map(current, String.join(".", path)).get(key);
        }
        assertThat(current).as(String.join(".", path)).isNotNull();
        return current;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node, String what) {
        assertThat(node).as(what).isInstanceOf(Map.class);
        return (Map<String, Object>) node;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object node, String what) {
        assertThat(node).as(what).isInstanceOf(List.class);
        return (List<Object>) node;
    }

    private static Map<String, Object> single(List<Object> items) {
        assertThat(items).hasSize(1);
        return map(items.get(0), "item");
    }
}
