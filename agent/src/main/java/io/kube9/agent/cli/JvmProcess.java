package io.kube9.agent.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * What Linux's {@code /proc} says of a process, where the attach API's own listing cannot be
 * trusted: that listing is the names of {@code hsperfdata} files, and a JVM in another pid
 * namespace (a container sharing {@code /tmp}) names its file after its own number there, which
 * on this side may be another process altogether. The attach handshake signals that number with
 * SIGQUIT, which ends a process that is not a JVM.
 */
final class JvmProcess {
    private static final Path PROC = Paths.get("/proc");

    private JvmProcess() {}

    /** What is known of whether a process runs a JVM. */
    enum Kind {
        /** HotSpot's library is mapped into it. */
        JVM,
        /** It maps no JVM: the handshake would end it. */
        NOT_A_JVM,
        /** Its memory map cannot be read here (another user's process, or no {@code /proc}). */
        UNKNOWN
    }

    static Kind of(long pid) {
        return of(PROC, pid);
    }

    static Kind of(Path proc, long pid) {
        Path maps = proc.resolve(Long.toString(pid)).resolve("maps");
        try (BufferedReader lines = Files.newBufferedReader(maps, StandardCharsets.ISO_8859_1)) {
            boolean any = false;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                any = true;
                if (line.endsWith("/libjvm.so") || line.endsWith("/libjvm.so (deleted)") || line.endsWith("\\jvm.dll")) {
                    return Kind.JVM;
                }
            }
            // an unreadable map (another user's process, without ptrace rights) reads as empty
            return any ? Kind.NOT_A_JVM : Kind.UNKNOWN;
        } catch (IOException | RuntimeException e) {
            return Kind.UNKNOWN;
        }
    }

    /**
     * Whether {@code file} is missing from the process's own view of the file system (another
     * mount namespace: a container, or a service with a private {@code /tmp}); false when that view
     * cannot be seen from here.
     */
    static boolean cannotSee(long pid, Path file) {
        Path process = PROC.resolve(Long.toString(pid));
        try {
            // The same mount namespace sees the same files (a private /tmp has the same root, so the
            // roots alone do not tell).
            if (Files.readSymbolicLink(process.resolve("ns/mnt"))
                    .equals(Files.readSymbolicLink(PROC.resolve("self/ns/mnt")))) {
                return false;
            }
            Path root = process.resolve("root");
            return Files.isDirectory(root) && !Files.exists(root.resolve(Paths.get("/").relativize(file.toAbsolutePath())));
        } catch (IOException | RuntimeException e) {
            return false; // its namespace cannot be read here: nothing known
        }
    }
}
