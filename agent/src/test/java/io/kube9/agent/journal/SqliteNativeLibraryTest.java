package io.kube9.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

class SqliteNativeLibraryTest {
    private static final String NAME = LibraryLoaderUtil.getNativeLibName();
    private static final URL BUNDLED = SQLiteJDBCLoader.class.getResource(
            LibraryLoaderUtil.getNativeLibResourcePath() + "/" + NAME);

    @Test
    void theLibraryIsUnpackedWholeUnderAFreshNameForItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path first = SqliteNativeLibrary.unpack(BUNDLED, "3.53.4.0", NAME, dir);
        Path second = SqliteNativeLibrary.unpack(BUNDLED, "3.53.4.0", NAME, dir);

        assertThat(first).isNotEqualTo(second).hasParent(dir);
        assertThat(first.getFileName().toString()).startsWith("kube9-sqlite-3.53.4.0-").endsWith("-" + NAME);
        try (InputStream in = BUNDLED.openStream()) {
            assertThat(Files.readAllBytes(first)).isEqualTo(in.readAllBytes());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(first))).isEqualTo("rwx------");
    }

    @Test
    void anUnpackedLibraryIsDeletedOnceLoaded(@TempDir Path dir) throws Exception {
        Path file = SqliteNativeLibrary.unpack(BUNDLED, "3.53.4.0", NAME, dir);

        SqliteNativeLibrary.deleteLoaded(file);

        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aDirectoryThatCannotTakeTheCopyFailsAndLeavesNothing(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> SqliteNativeLibrary.unpack(BUNDLED, "3.53.4.0", NAME, dir.resolve("missing")))
                .isInstanceOf(NoSuchFileException.class);
        URL gone = dir.resolve("no-such-library.so").toUri().toURL();
        assertThatThrownBy(() -> SqliteNativeLibrary.unpack(gone, "3.53.4.0", NAME, dir))
                .isInstanceOf(FileNotFoundException.class); // the half-made copy is deleted
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void onlyACopyThatCouldNotBeWrittenIsTriedAgain() {
        Throwable full = new SqliteNativeLibrary.NotUnpacked(new IOException("No space left on device"));
        Throwable notExecutable = new SqliteNativeLibrary.NotUnpacked(new SqliteNativeLibrary.NotExecutable());
        Throwable notInTheJar = new SqliteNativeLibrary.NotUnpacked(new FileNotFoundException("libsqlitejdbc.so"));

        assertThat(SqliteNativeLibrary.mayPass(new IllegalStateException(full))).isTrue();
        assertThat(SqliteNativeLibrary.mayPass(notExecutable)).isFalse();
        assertThat(SqliteNativeLibrary.mayPass(notInTheJar)).isFalse();
        assertThat(SqliteNativeLibrary.whyNotLoaded(notExecutable))
                .contains("which takes files, yet does not let the library's copy be made executable;")
                .endsWith("-Dorg.sqlite.tmpdir=DIR");
        assertThat(SqliteNativeLibrary.whyNotLoaded(full))
                .contains("yet the library's copy could not be written there: No space left on device;");
    }

    @Test
    void theLibrarysFolderIsTheOneSqliteJdbcNamesForThisSystem() {
        assertThat(SqliteNativeLibrary.resourcePath()).isEqualTo(LibraryLoaderUtil.getNativeLibResourcePath());
        assertThat(SQLiteJDBCLoader.class.getResource(SqliteNativeLibrary.resourcePath() + "/" + NAME)).isNotNull();
    }

    @Test
    void theVersionIsTheDriversOwn() {
        assertThat(SQLiteJDBCLoader.getVersion()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
        assertThat(SQLiteJDBCLoader.getMajorVersion()).isEqualTo(3);
        assertThat(SQLiteJDBCLoader.getMinorVersion()).isPositive();
    }
}
