package org.sqlite;

import io.kube9.agent.journal.SqliteNativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * The agent's replacement for sqlite-jdbc's loader of SQLite's native library.
 *
 * <p>sqlite-jdbc unpacks the library under a new random name in the temporary directory each
 * time a JVM loads it, with an empty {@code .lck} file beside it, and asks the JVM to delete both
 * at exit. A JVM that does not exit normally (SIGKILL, the kernel's OOM killer, Kubernetes at the
 * end of a grace period, a crash) leaves both behind, and the library's clean-up spares every
 * copy whose {@code .lck} file remains: 1.1 MB more in {@code /tmp} for each such end. A service
 * in a crash loop fills the disk with them (sqlite-jdbc issue 1140); this machine's tests had left
 * 739 copies in a day.
 *
 * <p>Here the library is unpacked under a fresh name, loaded, and its file deleted at once: the
 * JVM keeps its mapping of the file, and nothing is left to clean up, however the JVM ends (Linux,
 * macOS). Windows deletes no loaded library, not even at exit: a copy stays there for each JVM, as
 * it did with sqlite-jdbc's loader, whose clean-up of old copies at start is not kept. Otherwise the
 * order is sqlite-jdbc's: {@code org.sqlite.lib.path} (with {@code org.sqlite.lib.name}) when
 * set, then the copy in the jar, then {@code java.library.path}.
 *
 * <p>This class takes the original's place in the agent jar (the build leaves the original out);
 * {@code org.sqlite.core.NativeDB} calls {@link #initialize()} before the first connection opens.
 */
public class SQLiteJDBCLoader {
    private static boolean loaded;

    public static synchronized boolean initialize() throws Exception {
        if (!loaded) {
            load();
            loaded = true;
        }
        return true;
    }

    /** Whether the native library is loaded, loading it first; sqlite-jdbc has no other mode. */
    public static boolean isNativeMode() throws Exception {
        return initialize();
    }

    private static void load() throws NativeLibraryNotFoundException {
        String name = System.getProperty("org.sqlite.lib.name", LibraryLoaderUtil.getNativeLibName());
        String path = System.getProperty("org.sqlite.lib.path");
        if (path != null && loadFrom(Paths.get(path, name)) == null) {
            return;
        }
        String resource = SqliteNativeLibrary.resourcePath() + "/" + name;
        Throwable bundledFailure = null;
        IOException unpackFailure = null;
        URL bundled = SQLiteJDBCLoader.class.getResource(resource);
        if (bundled != null) {
            Path file = null;
            try {
                file = SqliteNativeLibrary.unpack(bundled, getVersion(), name);
            } catch (IOException e) {
                unpackFailure = e; // java.library.path may have one still
            }
            if (file != null) {
                bundledFailure = loadFrom(file);
                SqliteNativeLibrary.deleteLoaded(file);
                if (bundledFailure == null) {
                    return;
                }
            }
        }
        try {
            System.loadLibrary(LibraryLoaderUtil.NATIVE_LIB_BASE_NAME); // java.library.path
        } catch (IllegalCallerException denied) {
            throw new SqliteNativeLibrary.NativeAccessDenied(denied);
        } catch (UnsatisfiedLinkError e) {
            if (unpackFailure != null) {
                throw new SqliteNativeLibrary.NotUnpacked(unpackFailure);
            }
            if (bundledFailure != null) {
                throw notFound(whyNot(bundledFailure), bundledFailure);
            }
            throw notFound("No native library found for os.name=" + System.getProperty("os.name") + ", os.arch="
                    + System.getProperty("os.arch") + " (looked for " + resource + "): " + e.getMessage(), e);
        }
    }

    /** The system's reason in a failure to load a file, without the file's name the JDK puts before it (twice). */
    private static String whyNot(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return message.substring(message.lastIndexOf(": ") + 1).trim();
    }

    /** Loads {@code file}: null when it loaded, else why not. */
    private static Throwable loadFrom(Path file) throws NativeLibraryNotFoundException {
        try {
            System.load(file.toAbsolutePath().toString());
            return null;
        } catch (UnsatisfiedLinkError e) {
            return e;
        } catch (IllegalCallerException denied) { // --illegal-native-access=deny (JDK 24+): no other way in
            throw new SqliteNativeLibrary.NativeAccessDenied(denied);
        }
    }

    private static NativeLibraryNotFoundException notFound(String message, Throwable cause) {
        NativeLibraryNotFoundException failure = new NativeLibraryNotFoundException(message);
        failure.initCause(cause);
        return failure;
    }

    public static int getMajorVersion() {
        return versionPart(0, 1);
    }

    public static int getMinorVersion() {
        return versionPart(1, 0);
    }

    private static int versionPart(int index, int otherwise) {
        String[] parts = getVersion().split("\\.");
        try {
            return parts.length > index ? Integer.parseInt(parts[index]) : otherwise;
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** sqlite-jdbc's version, from its Maven metadata in the jar ("3.53.4.0"), or "unknown". */
    public static String getVersion() {
        try (InputStream in = SQLiteJDBCLoader.class.getResourceAsStream(
                "/META-INF/maven/org.xerial/sqlite-jdbc/pom.properties")) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version", "").replaceAll("[^0-9.]", "");
                if (!version.isEmpty()) {
                    return version;
                }
            }
        } catch (IOException e) {
            // "unknown" below
        }
        return "unknown";
    }
}
