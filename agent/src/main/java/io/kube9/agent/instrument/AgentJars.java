package io.kube9.agent.instrument;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Whether a class comes from another Java agent's jar: one whose manifest names a {@code
 * Premain-Class} or an {@code Agent-Class}. The JVM puts a {@code -javaagent} jar on the
 * application's class path, so its classes load with the service's own and could match a site's
 * names; whatever an agent names its classes, they are never the service's events. The jar the JVM
 * was started with ({@code java -jar service.jar}) is the service's, even if it carries an agent
 * of its own (a {@code Launcher-Agent-Class}).
 *
 * <p>Asked only of a class that matches a site (a few per service), and each jar's manifest is
 * read once.
 */
final class AgentJars {
    private final Map<String, Boolean> known = new ConcurrentHashMap<>();
    private final Set<String> said = ConcurrentHashMap.newKeySet();
    private final String mainJar;

    AgentJars() {
        this(mainJar(System.getProperty("sun.java.command")));
    }

    AgentJars(Path mainJar) {
        this.mainJar = mainJar == null ? null : mainJar.toAbsolutePath().normalize().toString();
    }

    /** The jar of {@code java -jar}, from the command the launcher records, or null. */
    static Path mainJar(String command) {
        if (command == null || command.isEmpty()) {
            return null;
        }
        int space = command.indexOf(' ');
        String first = space < 0 ? command : command.substring(0, space);
        return first.endsWith(".jar") ? Paths.get(first) : null;
    }

    /**
     * Whether {@code className}, which matches a site, is another agent's; the first such class of
     * each jar is said, so that a service jar that declares an agent of its own (run with {@code
     * -cp}, not {@code -jar}) does not lose its sites without a word.
     */
    boolean isAgentClass(ProtectionDomain domain, String className, Consumer<String> warn) {
        String jar = agentJar(domain);
        if (jar == null) {
            return false;
        }
        if (said.add(jar)) {
            warn.accept(className + " matches a site but comes from " + jar + ", a Java agent's jar (its manifest"
                    + " names a Premain-Class or an Agent-Class): its classes are not instrumented");
        }
        return true;
    }

    boolean isAgentClass(ProtectionDomain domain) {
        return agentJar(domain) != null;
    }

    /** The path of the agent jar the class comes from, or null. */
    private String agentJar(ProtectionDomain domain) {
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL location = source == null ? null : source.getLocation();
        if (location == null || !"file".equals(location.getProtocol()) || !location.getPath().endsWith(".jar")) {
            return null; // a directory, a nested jar of a fat jar, or made in memory: the service's
        }
        String jar;
        try {
            jar = new File(location.toURI()).getAbsoluteFile().toPath().normalize().toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
        return !jar.equals(mainJar) && known.computeIfAbsent(jar, AgentJars::declaresAnAgent) ? jar : null;
    }

    private static boolean declaresAnAgent(String jar) {
        try (JarFile file = new JarFile(jar, false)) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                return false;
            }
            Attributes attributes = manifest.getMainAttributes();
            return attributes.getValue("Premain-Class") != null || attributes.getValue("Agent-Class") != null;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
