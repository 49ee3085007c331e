package io.kube9.agent.journal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import org.sqlite.NativeLibraryNotFoundException;

/**
 * Why SQLite's native library did not load. sqlite-jdbc unpacks it into a temporary directory
 * ({@code org.sqlite.tmpdir}, else {@code java.io.tmpdir}) before loading it; when that fails, its
 * exception only says "No native library found" (the cause went to its log), so the directory is
 * looked at again here. The agent and its command line say it alike.
 */
public final class SqliteNativeLibrary {
    static final String TMPDIR_PROPERTY = "org.sqlite.tmpdir";

    private SqliteNativeLibrary() {}

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
        Path directory = Paths.get(System.getProperty(TMPDIR_PROPERTY, System.getProperty("java.io.tmpdir")));
        String unusable = whyUnusable(directory);
        return "SQLite's native library could not be loaded: sqlite-jdbc unpacks it into the temporary directory "
                + directory + ", which " + (unusable != null ? unusable
                        : "is writable, yet it did not load from there (mounted noexec?): "
                                + oneLine(notLoaded.getMessage()))
                + "; give it a writable directory with -Djava.io.tmpdir=DIR or -D" + TMPDIR_PROPERTY + "=DIR";
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
