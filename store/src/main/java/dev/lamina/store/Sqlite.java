package dev.lamina.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.sqlite.SQLiteConfig;

/** How Lamina opens and upgrades its SQLite files: one place for the durability settings and the migrations. */
final class Sqlite {

    private Sqlite() {}

    /**
     * A connection in WAL mode with {@code synchronous=FULL} (a commit survives a crash of the machine), immediate
     * transactions, and a 10 s busy timeout.
     *
     * @param journalSizeLimit bytes the WAL file is truncated to after checkpoints, or 0 for SQLite's default
     */
    static Connection open(String file, long journalSizeLimit) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout(10_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        if (journalSizeLimit > 0) {
            config.setJournalSizeLimit((int) journalSizeLimit);
        }
        return config.createConnection("jdbc:sqlite:" + file);
    }

    /**
     * Brings a file's schema up to date, one numbered step at a time, each in its own transaction: step N (1-based)
     * takes it from {@code PRAGMA user_version} N-1 to N. Steps only add; a newer server opens an older file, never
     * the other way round.
     */
    static void migrate(Connection c, List<List<String>> steps) throws SQLException {
        int version;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            version = rs.getInt(1);
        }
        for (int step = version + 1; step <= steps.size(); step++) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (String sql : steps.get(step - 1)) {
                    s.execute(sql);
                }
                s.execute("PRAGMA user_version = " + step);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
