package io.kube9.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A service whose start, like a framework's, loads classes for seconds: the JDK's own, about a
 * thousand a second, for {@code args[0]} ms. When done it says whether the agent's endpoint (port
 * {@code args[1]}) was already up, then waits for its input to end. It calls no site.
 */
public final class SlowStartApp {
    private SlowStartApp() {}

    public static void main(String[] args) throws Exception {
        long until = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<String> names;
        try (Stream<Path> files = Files.walk(jrt.getPath("/modules/java.desktop"))) {
            names = files.map(Path::toString).filter(name -> name.endsWith(".class") && !name.contains("module-info"))
                    .map(name -> name.substring("/modules/java.desktop/".length(), name.length() - 6).replace('/', '.'))
                    .collect(Collectors.toList());
        }
        int loaded = 0;
        while (System.nanoTime() < until && loaded < names.size()) {
            for (int i = 0; i < 20 && loaded < names.size(); i++) {
                try {
                    Class.forName(names.get(loaded++), false, ClassLoader.getSystemClassLoader());
                } catch (ClassNotFoundException | LinkageError ignored) {
                    // not loadable here: the next one
                }
            }
            Thread.sleep(20); // ~1,000 classes a second, as a framework's start
        }
        boolean agentUp;
        try (Socket socket = new Socket("127.0.0.1", Integer.parseInt(args[1]))) {
            agentUp = true;
        } catch (IOException e) {
            agentUp = false;
        }
        System.out.println("started after loading " + loaded + " classes; the agent's endpoint up then: " + agentUp);
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
}
