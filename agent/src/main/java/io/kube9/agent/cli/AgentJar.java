package io.kube9.agent.cli;

import io.kube9.agent.Kube9Agent;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.CodeSource;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** Finds the kube9-agent.jar this command runs from, which is the jar to load into another JVM. */
final class AgentJar {
    private AgentJar() {}

    static Path locate() {
        // Kube9Agent is the jar's visible entry point: loaded from the jar itself by the system
        // class loader, the parent of the loader this class comes from.
        Path fromCodeSource = codeSourceOf(Kube9Agent.class);
        if (fromCodeSource != null && isAgentJar(fromCodeSource)) {
            return fromCodeSource;
        }
        String classPath = System.getProperty("java.class.path", "");
        if (!classPath.isEmpty() && !classPath.contains(File.pathSeparator)) {
            Path single = Paths.get(classPath).toAbsolutePath();
            if (isAgentJar(single)) {
                return single;
            }
        }
        throw new CliException("cannot tell which kube9-agent.jar to load (this command does not run from one);"
                + " give it with --jar PATH");
    }

    /** A jar whose manifest names our agent class, so a wrong file is refused here, not in the target JVM. */
    static boolean isAgentJar(Path path) {
        if (!Files.isRegularFile(path)) {
            return false;
        }
        try (JarFile jar = new JarFile(path.toFile())) {
            Manifest manifest = jar.getManifest();
            return manifest != null
                    && Kube9Agent.class.getName().equals(manifest.getMainAttributes().getValue("Agent-Class"));
        } catch (IOException e) {
            return false;
        }
    }

    private static Path codeSourceOf(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null
                    ? null : Paths.get(source.getLocation().toURI()).toAbsolutePath();
        } catch (URISyntaxException | RuntimeException e) {
            return null; // not a file URL: fall back to the class path
        }
    }
}
