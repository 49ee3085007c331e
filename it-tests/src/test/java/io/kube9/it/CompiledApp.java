package io.kube9.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A small application written against a real framework, compiled at test time from the sources
 * in a directory of the test resources against the framework's jars (which the build copies into
 * a directory of their own, so that they never reach the tests' own class path).
 */
final class CompiledApp {
    private CompiledApp() {}

    /**
     * @param sources the directory in the test resources
     * @return the class path that runs it: its classes, then every jar in {@code libs}
     */
    static String compile(String sources, Path libs, Path classes, String release) throws IOException {
        JvmProcess.freshDir(classes);
        List<String> path = new ArrayList<>(List.of(classes.toString()));
        try (Stream<Path> jars = Files.list(libs)) {
            path.addAll(jars.map(Path::toString).sorted().collect(Collectors.toList()));
        }
        String classPath = String.join(File.pathSeparator, path);
        List<String> arguments = new ArrayList<>(List.of("--release", release, "-nowarn", "-cp", classPath, "-d",
                classes.toString()));
        try (Stream<Path> files = Files.walk(JvmProcess.TEST_CLASSES.resolve(sources))) {
            arguments.addAll(files.filter(file -> file.toString().endsWith(".java")).map(Path::toString)
                    .collect(Collectors.toList()));
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, arguments.toArray(new String[0]))).as("javac %s", arguments).isZero();
        return classPath;
    }

    /**
     * The same for Kotlin sources: the Kotlin compiler's jars ({@code compiler}) run in a JVM of
     * their own, the one running the tests, against the libraries in {@code libs}.
     *
     * @return the class path that runs it: its classes, then every jar in {@code libs}
     */
    static String compileKotlin(String sources, Path compiler, Path libs, Path classes, String jvmTarget)
            throws IOException, InterruptedException {
        JvmProcess.freshDir(classes);
        String libraries = jars(libs);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jars(compiler),
                "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler", "-no-stdlib", "-no-reflect", "-nowarn",
                "-jvm-target", jvmTarget, "-cp", libraries, "-d", classes.toString()));
        try (Stream<Path> files = Files.walk(JvmProcess.TEST_CLASSES.resolve(sources))) {
            command.addAll(files.filter(file -> file.toString().endsWith(".kt")).map(Path::toString)
                    .collect(Collectors.toList()));
        }
        Path log = classes.resolveSibling(classes.getFileName() + "-kotlinc.log");
        Process kotlinc = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(kotlinc.waitFor()).as("kotlinc %s: %s", command, Files.readString(log)).isZero();
        return classes + File.pathSeparator + libraries;
    }

    private static String jars(Path dir) throws IOException {
        try (Stream<Path> jars = Files.list(dir)) {
            return jars.map(Path::toString).filter(name -> name.endsWith(".jar")).sorted()
                    .collect(Collectors.joining(File.pathSeparator));
        }
    }
}
