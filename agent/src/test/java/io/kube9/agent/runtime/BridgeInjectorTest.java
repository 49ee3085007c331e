package io.kube9.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kube9.agent.bridge.Kube9Bridge;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class BridgeInjectorTest {

    @Test
    void everyClassOfTheBridgePackageIsDefinedInTheBootLoader() throws IOException, URISyntaxException {
        Path bridge = Paths.get(Kube9Bridge.class.getResource("Kube9Bridge.class").toURI()).getParent();
        try (Stream<Path> files = Files.list(bridge)) {
            assertThat(files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".class"))
                    .map(name -> "io/kube9/agent/bridge/" + name.substring(0, name.length() - ".class".length()))
                    .collect(Collectors.toList()))
                    .as("a class the bridge needs and the boot loader cannot find fails the service's site calls")
                    .containsExactlyInAnyOrder(BridgeInjector.BRIDGE);
        }
    }
}
