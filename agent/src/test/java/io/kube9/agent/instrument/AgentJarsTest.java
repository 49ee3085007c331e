package io.kube9.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentJarsTest {
    @TempDir
    Path dir;

    @Test
    void aClassFromAJarThatDeclaresAnAgentIsAnAgentsAndFromAnyOtherJarTheServices() throws IOException {
        Path premain = jar("other-agent.jar", "Premain-Class", "com.acme.agent.Premain");
        Path attachable = jar("attach-agent.jar", "Agent-Class", "com.acme.agent.Attach");
        Path library = jar("orders.jar", "Implementation-Title", "orders");
        AgentJars agents = new AgentJars(dir.resolve("service.jar"));

        assertThat(agents.isAgentClass(domain(premain.toUri().toURL()))).isTrue();
        assertThat(agents.isAgentClass(domain(attachable.toUri().toURL()))).isTrue();
        assertThat(agents.isAgentClass(domain(library.toUri().toURL()))).isFalse();
        assertThat(agents.isAgentClass(domain(dir.toUri().toURL()))).as("a directory").isFalse();
        assertThat(agents.isAgentClass(domain(new URL("jar:" + library.toUri() + "!/BOOT-INF/lib/x.jar"))))
                .as("a jar nested in a fat jar").isFalse();
        assertThat(agents.isAgentClass(null)).as("no protection domain").isFalse();
        assertThat(agents.isAgentClass(new ProtectionDomain(null, null))).as("no code source").isFalse();
    }

    @Test
    void theJarTheJvmWasStartedWithIsTheServicesEvenWithAnAgentInIt() throws IOException {
        Path service = jar("service.jar", "Launcher-Agent-Class", "com.acme.Self");
        Files.delete(service);
        service = jar("service.jar", "Premain-Class", "com.acme.Self");

        AgentJars agents = new AgentJars(AgentJars.mainJar(service + " --port 8080"));

        assertThat(agents.isAgentClass(domain(service.toUri().toURL()))).isFalse();
        assertThat(AgentJars.mainJar("com.acme.Main --port 8080")).as("a main class, not a jar").isNull();
        assertThat(AgentJars.mainJar(null)).isNull();
    }

    private Path jar(String name, String attribute, String value) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(attribute, value);
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            jarOut.flush();
        }
        return jar;
    }

    private static ProtectionDomain domain(URL location) {
        return new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null);
    }
}
