package dev.lamina.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The embedded store: function metadata and logs in SQLite (WAL, synchronous FULL), deployment packages as
 * content-addressed files in a {@link BlobStore}.
 *
 * <p>Function versions are kept as JSON documents owned by the control plane: the store does not interpret them, so
 * the configuration can grow without schema changes. Every write is one transaction, so a crash leaves either the
 * old or the new document, never a mix.
 *
 * <p>Thread-safe: one connection, serialised by this object's monitor. SQLite serialises writers anyway; reads are
 * rare on the control plane and never on the invoke path, which works from an in-memory snapshot.
 */
public final class Store implements AutoCloseable {

    private final Connection connection;
    private final BlobStore blobs;

    private Store(Connection connection, BlobStore blobs) {
        this.connection = connection;
        this.blobs = blobs;
    }

    /** Opens (creating if needed) the store under {@code dataDir}. */
    public static Store open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            Connection connection = Sqlite.open(dataDir.resolve("lamina.db").toString(), 0);
            Sqlite.migrate(connection, MIGRATIONS);
            return new Store(connection, new BlobStore(dataDir.resolve("blobs")));
        } catch (SQLException e) {
            throw new StoreException("cannot open the store in " + dataDir, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Schema steps; step N (1-based) takes the store from user_version N-1 to N. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of("""
                    CREATE TABLE IF NOT EXISTS function_versions (
                      name TEXT NOT NULL,
                      version TEXT NOT NULL,
                      doc TEXT NOT NULL,
                      PRIMARY KEY (name, version))""", """
                    CREATE TABLE IF NOT EXISTS log_events (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      log_group TEXT NOT NULL,
                      log_stream TEXT NOT NULL,
                      timestamp INTEGER NOT NULL,
                      message TEXT NOT NULL)""", "CREATE INDEX IF NOT EXISTS log_events_by_group ON log_events (log_group, seq)"),
            List.of("""
                    CREATE TABLE IF NOT EXISTS function_settings (
                      name TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      key TEXT NOT NULL,
                      doc TEXT NOT NULL,
                      PRIMARY KEY (name, kind, key))"""));

    public BlobStore blobs() {
        return blobs;
    }

    /** Inserts or replaces the document of one function version. */
    public synchronized void putVersion(String name, String version, String doc) {
        update("INSERT OR REPLACE INTO function_versions (name, version, doc) VALUES (?, ?, ?)", name, version, doc);
    }

    public synchronized Optional<String> getVersion(String name, String version) {
        List<String> docs =
                query("SELECT doc FROM function_versions WHERE name = ? AND version = ? AND doc <> ''", name, version);
        return docs.stream().findFirst();
    }

    /** Every stored version of every function. */
    public synchronized List<String> listAllVersions() {
        return query("SELECT doc FROM function_versions WHERE doc <> '' ORDER BY name, version");
    }

    /** Deletes a function with all its versions and settings, in one transaction; answers whether it existed. */
    public synchronized boolean deleteFunction(String name) {
        try {
            connection.setAutoCommit(false);
            try {
                int versions = update("DELETE FROM function_versions WHERE name = ?", name);
                update("DELETE FROM function_settings WHERE name = ?", name);
                connection.commit();
                return versions > 0;
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot delete " + name, e);
        }
    }

    /**
     * Deletes one version of a function, keeping a tombstone so that its number is never published again (AWS never
     * reuses version numbers). Tombstones are not returned by {@link #listAllVersions}.
     */
    public synchronized void markVersionDeleted(String name, String version) {
        update("UPDATE function_versions SET doc = '' WHERE name = ? AND version = ?", name, version);
    }

    /** Every version label a function ever had, deleted ones included. */
    public synchronized List<String> listVersionLabels(String name) {
        return query("SELECT version FROM function_versions WHERE name = ?", name);
    }

    /**
     * Inserts or replaces one setting of a function: an alias, its concurrency, its tags, its policy... {@code kind}
     * names the sort, {@code key} tells settings of one kind apart (an alias name, a qualifier, or "" for one of a
     * kind).
     */
    public synchronized void putSetting(String name, String kind, String key, String doc) {
        update(
                "INSERT OR REPLACE INTO function_settings (name, kind, key, doc) VALUES (?, ?, ?, ?)",
                name,
                kind,
                key,
                doc);
    }

    public synchronized Optional<String> getSetting(String name, String kind, String key) {
        return query("SELECT doc FROM function_settings WHERE name = ? AND kind = ? AND key = ?", name, kind, key)
                .stream()
                .findFirst();
    }

    /** The settings of one kind of one function, by key. */
    public synchronized List<String> listSettings(String name, String kind) {
        return query("SELECT doc FROM function_settings WHERE name = ? AND kind = ? ORDER BY key", name, kind);
    }

    /** The settings of one kind across all functions. */
    public synchronized List<String> listSettings(String kind) {
        return query("SELECT doc FROM function_settings WHERE kind = ? ORDER BY name, key", kind);
    }

    public synchronized boolean deleteSetting(String name, String kind, String key) {
        return update("DELETE FROM function_settings WHERE name = ? AND kind = ? AND key = ?", name, kind, key) > 0;
    }

    /** Appends log events in one transaction. */
    public synchronized void appendLogs(List<LogEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        try {
            connection.setAutoCommit(false);
            try (PreparedStatement ps = connection.prepareStatement(
                    "INSERT INTO log_events (log_group, log_stream, timestamp, message) VALUES (?, ?, ?, ?)")) {
                for (LogEvent e : events) {
                    ps.setString(1, e.logGroup());
                    ps.setString(2, e.logStream());
                    ps.setLong(3, e.timestamp());
                    ps.setString(4, e.message());
                    ps.addBatch();
                }
                ps.executeBatch();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot append logs", e);
        }
    }

    /** Log events of one group with a sequence number above {@code afterSeq}, oldest first. */
    public synchronized List<LogEvent> readLogs(String logGroup, long afterSeq, int limit) {
        try (PreparedStatement ps =
                connection.prepareStatement("SELECT seq, log_group, log_stream, timestamp, message FROM log_events"
                        + " WHERE log_group = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, logGroup);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            List<LogEvent> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(new LogEvent(
                            rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5)));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new StoreException("cannot read logs", e);
        }
    }

    private int update(String sql, String... args) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("store update failed", e);
        }
    }

    private List<String> query(String sql, String... args) {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<String> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new StoreException("store query failed", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the store", e);
        }
    }
}
