package io.kube9.agent.journal;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.sqlite.NativeLibraryNotFoundException;
import org.sqlite.util.LibraryLoaderUtil;
import org.sqlite.util.OSInfo;

/**
 * SQLite's native library on disk: unpacked into a temporary directory ({@code
 * org.sqlite.tmpdir}, else {@code java.io.tmpdir}) for the agent's {@link
 * org.sqlite.SQLiteJDBCLoader} to load, deleted once loaded, and, when that fails, why. The
 * agent and its command line say it alike.
 */
public final class SqliteNativeLibrary {
    static final String TMPDIR_PROPERTY = "org.sqlite.tmpdir";
    private static final String PREFIX = "kube9-sqlite-";

    private SqliteNativeLibrary() {}

    /**
     * Copies the library at {@code bundled} into a new file of the temporary directory, readable
     * and executable by this user only, named {@code kube9-sqlite-VERSION-RANDOM-NAME}.
     */
    public static Path unpack(URL bundled, String version, String name) throws IOException {
        return unpack(bundled, version, name, temporaryDirectory());
    }

    static Path unpack(URL bundled, String version, String name, Path directory) throws IOException {
        Path file = Files.createTempFile(directory, PREFIX + version + "-", "-" + name);
        try {
            URLConnection connection = bundled.openConnection();
            // Cached, the JDK would keep a second handle on the agent jar open for the JVM's life.
            connection.setUseCaches(false);
            try (InputStream in = connection.getInputStream();
                    OutputStream out = Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING)) {
                in.transferTo(out);
            }
            if (!file.toFile().setExecutable(true, true)) {
                throw new NotExecutable();
            }
            return file;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Deletes the unpacked library once the JVM has loaded it (or failed to): the JVM maps the
     * file and needs its name no more. Where a loaded library cannot be deleted (Windows), it is
     * asked for at exit, which Windows refuses as well while the library is loaded: there a copy
     * stays behind for each JVM, as with sqlite-jdbc's own loader.
     */
    public static void deleteLoaded(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException | RuntimeException e) {
            try {
                file.toFile().deleteOnExit(); // Windows: which fails too while the JVM holds the library
            } catch (RuntimeException exiting) {
                // the JVM is exiting already (IllegalStateException): the file stays
            }
        }
    }

    /**
     * Where the agent's jar keeps the library for this system: sqlite-jdbc's own folder names
     * ({@code /org/sqlite/native/Linux/x86_64}, {@code Linux-Musl}, {@code Linux-Android}), found on
     * Linux without starting a process. sqlite-jdbc's {@code OSInfo} runs {@code uname -o} to tell
     * Termux from Linux, so each start of the agent and of its command line started a process: one
     * that a container's runtime security may flag, and that counts against its limit of processes.
     * An Android system is told by its runtime's name or its graphics library instead, as sqlite-jdbc
     * also does. Other systems are left to sqlite-jdbc.
     */
    public static String resourcePath() {
        String os = System.getProperty("os.name", "");
        if (!os.contains("Linux") || os.contains("Windows") || os.contains("Mac") || os.contains("Darwin")
                || os.contains("AIX")) {
            return LibraryLoaderUtil.getNativeLibResourcePath();
        }
        String folder;
        if (OSInfo.isAndroidRuntime() || Files.exists(Paths.get("/system/lib/libGLESv1_CM.so"))
                || Files.exists(Paths.get("/system/lib64/libGLESv1_CM.so"))) {
            folder = "Linux-Android";
        } else {
            folder = OSInfo.isMusl() ? "Linux-Musl" : "Linux";
        }
        return "/org/sqlite/native/" + folder + "/" + OSInfo.getArchName();
    }

    static Path temporaryDirectory() {
        return Paths.get(System.getProperty(TMPDIR_PROPERTY, System.getProperty("java.io.tmpdir")));
    }

    /**
     * The library's copy could not be written into a directory that takes files: a full disk, a
     * quota or a file size limit, which may pass ({@link #mayPass}).
     */
    public static final class NotUnpacked extends NativeLibraryNotFoundException {
        private static final long serialVersionUID = 1L;

        public NotUnpacked(IOException cause) {
            super("SQLite's native library could not be unpacked: " + reason(cause));
            initCause(cause);
        }
    }

    /**
     * The JVM refuses native access to the class path ({@code --illegal-native-access=deny}, JDK
     * 24 and later): the library cannot be loaded from anywhere, and the fix is the JVM's flag.
     */
    public static final class NativeAccessDenied extends NativeLibraryNotFoundException {
        private static final long serialVersionUID = 1L;

        public NativeAccessDenied(IllegalCallerException cause) {
            super("SQLite's native library could not be loaded: the JVM refuses native access to the class path"
                    + " (--illegal-native-access=deny); add --enable-native-access=ALL-UNNAMED to the java command (or"
                    + " to JAVA_TOOL_OPTIONS)");
            initCause(cause);
        }
    }

    /** One line naming the problem and what to do, or null when {@code failure} is not this one. */
    public static String whyNotLoaded(Throwable failure) {
        Throwable notLoaded = null;
        for (Throwable cause = failure; cause != null && notLoaded == null; cause = cause.getCause()) {
            if (cause instanceof NativeLibraryNotFoundException || cause instanceof LinkageError) {
                notLoaded = cause;
            }
        }
        if (notLoaded == null) {
            return null;
        }
        if (notLoaded instanceof NativeAccessDenied) {
            return notLoaded.getMessage();
        }
        Path directory = temporaryDirectory();
        String unusable = whyUnusable(directory);
        String which;
        if (unusable != null) {
            which = unusable;
        } else if (notLoaded.getCause() instanceof NotExecutable) {
            which = "takes files, yet does not let the library's copy be made executable";
        } else if (notLoaded instanceof NotUnpacked) {
            which = "takes files, yet the library's copy could not be written there: " + reason(notLoaded.getCause());
        } else {
            which = "is writable, yet it did not load from there (mounted noexec?): " + oneLine(notLoaded.getMessage());
        }
        return "SQLite's native library could not be loaded: the agent unpacks it into the temporary directory "
                + directory + ", which " + which + "; give it a writable directory with -Djava.io.tmpdir=DIR or -D"
                + TMPDIR_PROPERTY + "=DIR";
    }

    /**
     * Whether {@code failure} is a library that could not be unpacked into a directory that still
     * takes files: the space it needs may come back. A directory that is missing, or not one, or
     * not writable, stays so; so does one whose files cannot be made executable, and a library
     * missing from the agent's jar.
     */
    public static boolean mayPass(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof NotUnpacked) {
                Throwable why = cause.getCause();
                return !(why instanceof NotExecutable || why instanceof FileNotFoundException)
                        && whyUnusable(temporaryDirectory()) == null;
            }
        }
        return false;
    }

    /** The copy was written, but its file system refuses to make it executable: that stays so. */
    static final class NotExecutable extends IOException {
        private static final long serialVersionUID = 1L;

        NotExecutable() {
            super("the copy could not be made executable");
        }
    }

    private static String reason(Throwable e) {
        if (e instanceof FileSystemException && ((FileSystemException) e).getReason() != null) {
            return ((FileSystemException) e).getReason();
        }
        return e.getMessage() != null ? oneLine(e.getMessage()) : e.toString();
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.trim().replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    /** Why no file can be written in {@code directory}, to follow "which", or null when one can be. */
    private static String whyUnusable(Path directory) {
        try {
            if (!Files.readAttributes(directory, BasicFileAttributes.class).isDirectory()) {
                return "is not a directory";
            }
            Files.delete(Files.createTempFile(directory, "kube9-", ".tmp"));
            return null;
        } catch (NoSuchFileException e) {
            return "does not exist";
        } catch (AccessDeniedException e) {
            return "cannot be written: permission denied";
        } catch (FileSystemException e) {
            // "Not a directory" (a path under a file), "Read-only file system", "No space left on device"
            return "cannot be used: " + (e.getReason() != null ? e.getReason() : e.toString());
        } catch (IOException e) {
            return "cannot be used: " + e;
        }
    }
}
