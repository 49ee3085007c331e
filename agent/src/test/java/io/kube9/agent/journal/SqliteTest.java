package io.kube9.agent.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Which failures to open or write the journal may pass by themselves, and so are waited out. */
class SqliteTest {
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "SQLITE_BUSY,             true",  // another process's lock
        "SQLITE_LOCKED,           true",
        "SQLITE_FULL,             true",  // a full disk
        "SQLITE_IOERR_WRITE,      true",  // a full disk or a file size limit, as the file system says it
        "SQLITE_IOERR_FSYNC,      true",
        "SQLITE_IOERR_TRUNCATE,   true",
        "SQLITE_IOERR_SHMSIZE,    true",  // an existing journal opened on a full disk: its -shm cannot grow
        "SQLITE_IOERR_SHMMAP,     false", // a file system without shared memory maps stays so
        "SQLITE_IOERR_LOCK,       false",
        "SQLITE_CORRUPT,          false",
        "SQLITE_READONLY,         false",
        "SQLITE_CANTOPEN,         false",
    })
    void whatMayPass(SQLiteErrorCode code, boolean passes) {
        SQLiteException failure = new SQLiteException("[" + code + "]", code);

        assertThat(Sqlite.mayPass(failure)).isEqualTo(passes);
        assertThat(Sqlite.mayPass(new SQLException("journal x.db cannot be opened", failure)))
                .as("as a cause").isEqualTo(passes);
    }

    @ParameterizedTest
    @CsvSource({"journal x.db is not a kube9 journal", "journal x.db is a directory, not a file"})
    void aFailureOfTheAgentsOwnDoesNotPass(String message) {
        assertThat(Sqlite.mayPass(new SQLException(message))).isFalse();
    }
}
