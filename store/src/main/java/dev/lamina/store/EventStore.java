package dev.lamina.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The durable queue of asynchronous invocations: a table used as a queue in its own SQLite file,
 * {@code events.db} beside the main store (WAL, synchronous FULL), so that its writes never wait behind the control
 * plane's or the logs', nor the other way round.
 *
 * <p>An event is a row from the moment it is accepted until it is done (then it is deleted) or has failed for good
 * (then it stays, {@link StoredEvent#FAILED}, until it is redriven). Running events carry a claim with a lease: a
 * claim that outlives its process is taken back by {@link #recoverRunning} at the next start, or by
 * {@link #expireLeases} when its lease ends.
 *
 * <p>The same file keeps the functions' asynchronous settings (event invoke configs, dead-letter configs) as JSON
 * documents in {@code async_settings}, so that they change in the same transactions as the events.
 *
 * <p>Not thread-safe: one connection, meant to be used by one writer thread that groups many callers' work into
 * each transaction ({@link #inTransaction}). Every method other than {@code inTransaction} and {@link #close} must be
 * called on that thread.
 */
public final class EventStore implements AutoCloseable {

    private static final String COLUMNS = "seq, request_id, function_name, qualifier, invoked_arn, payload, trace_id,"
            + " received_at, state, due_at, lease_until, claims, invoke_count, function_errors, retryable_errors,"
            + " last_status, last_function_error, last_executed_version, last_response, condition, error, updated_at";

    private final Connection connection;
    private final Path file;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    private EventStore(Connection connection, Path file) {
        this.connection = connection;
        this.file = file;
    }

    /** Opens (creating if needed) {@code events.db} under {@code dataDir}. */
    public static EventStore open(Path dataDir) {
        Path file = dataDir.resolve("events.db");
        try {
            Files.createDirectories(dataDir);
            Connection connection = Sqlite.open(file.toString(), 64 * 1024 * 1024);
            Sqlite.migrate(connection, MIGRATIONS);
            return new EventStore(connection, file);
        } catch (SQLException e) {
            throw new StoreException("cannot open the event queue " + file, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Schema steps, applied by {@link Sqlite#migrate}. */
    private static final List<List<String>> MIGRATIONS = List.of(List.of(
            """
                    CREATE TABLE IF NOT EXISTS events (
                      seq INTEGER PRIMARY KEY AUTOINCREMENT,
                      request_id TEXT NOT NULL UNIQUE,
                      function_name TEXT NOT NULL,
                      qualifier TEXT,
                      invoked_arn TEXT NOT NULL,
                      payload BLOB NOT NULL,
                      trace_id TEXT,
                      received_at INTEGER NOT NULL,
                      state TEXT NOT NULL,
                      due_at INTEGER NOT NULL,
                      lease_until INTEGER NOT NULL DEFAULT 0,
                      claims INTEGER NOT NULL DEFAULT 0,
                      invoke_count INTEGER NOT NULL DEFAULT 0,
                      function_errors INTEGER NOT NULL DEFAULT 0,
                      retryable_errors INTEGER NOT NULL DEFAULT 0,
                      last_status INTEGER,
                      last_function_error TEXT,
                      last_executed_version TEXT,
                      last_response BLOB,
                      condition TEXT,
                      error TEXT,
                      updated_at INTEGER NOT NULL)""",
            "CREATE INDEX IF NOT EXISTS events_by_function ON events (state, function_name, due_at)",
            "CREATE INDEX IF NOT EXISTS events_by_due ON events (state, due_at)",
            """
                    CREATE TABLE IF NOT EXISTS async_settings (
                      function_name TEXT NOT NULL,
                      kind TEXT NOT NULL,
                      key TEXT NOT NULL,
                      doc TEXT NOT NULL,
                      PRIMARY KEY (function_name, kind, key))"""));

    public Path file() {
        return file;
    }

    /**
     * Runs {@code work} in one transaction and commits it; the commit returns once the transaction is on disk
     * (synchronous FULL). Any exception rolls everything back and is rethrown.
     */
    public <T> T inTransaction(Supplier<T> work) {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.get();
                connection.commit();
                return result;
            } catch (RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException("event queue transaction failed", e);
        }
    }

    // ---- Events ---------------------------------------------------------------------------------------------

    /** Adds a new event; answers its sequence number. */
    public long insert(StoredEvent e) {
        try {
            PreparedStatement ps = statement("INSERT INTO events (request_id, function_name, qualifier, invoked_arn,"
                    + " payload, trace_id, received_at, state, due_at, lease_until, claims, invoke_count,"
                    + " function_errors, retryable_errors, last_status, last_function_error, last_executed_version,"
                    + " last_response, condition, error, updated_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");
            ps.setString(1, e.requestId());
            ps.setString(2, e.functionName());
            ps.setString(3, e.qualifier());
            ps.setString(4, e.invokedArn());
            ps.setBytes(5, e.payload());
            ps.setString(6, e.traceId());
            ps.setLong(7, e.receivedAt());
            ps.setString(8, e.state());
            ps.setLong(9, e.dueAt());
            ps.setLong(10, e.leaseUntil());
            ps.setInt(11, e.claims());
            ps.setInt(12, e.invokeCount());
            ps.setInt(13, e.functionErrors());
            ps.setInt(14, e.retryableErrors());
            setInteger(ps, 15, e.lastStatus());
            ps.setString(16, e.lastFunctionError());
            ps.setString(17, e.lastExecutedVersion());
            ps.setBytes(18, e.lastResponse());
            ps.setString(19, e.condition());
            ps.setString(20, e.error());
            ps.setLong(21, e.updatedAt());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException ex) {
            throw new StoreException("cannot queue event " + e.requestId(), ex);
        }
    }

    /** At start: every event left running by a previous process is queued again, due at once. */
    public int recoverRunning(long now) {
        return update(
                "UPDATE events SET state = 'queued', due_at = MIN(due_at, ?), lease_until = 0, updated_at = ?"
                        + " WHERE state = 'running'",
                now,
                now);
    }

    /** Running events whose lease has ended are queued again, due at once. */
    public int expireLeases(long now) {
        return update(
                "UPDATE events SET state = 'queued', due_at = ?, lease_until = 0, updated_at = ?"
                        + " WHERE state = 'running' AND lease_until <= ?",
                now,
                now,
                now);
    }

    /** The names of the functions that have queued events (due or not), in order. */
    public List<String> functionsWithQueuedEvents() {
        List<String> names = new ArrayList<>();
        try {
            PreparedStatement ps =
                    statement("SELECT MIN(function_name) FROM events WHERE state = 'queued' AND function_name > ?");
            String after = "";
            while (true) {
                ps.setString(1, after);
                String next;
                try (ResultSet rs = ps.executeQuery()) {
                    next = rs.next() ? rs.getString(1) : null;
                }
                if (next == null) {
                    return names;
                }
                names.add(next);
                after = next;
            }
        } catch (SQLException e) {
            throw new StoreException("cannot list queued functions", e);
        }
    }

    /** Queued events of a function that are due at {@code now}, the longest due first. */
    public List<StoredEvent> due(String functionName, long now, int limit) {
        return select(
                "SELECT " + COLUMNS + " FROM events WHERE state = 'queued' AND function_name = ? AND due_at <= ?"
                        + " ORDER BY due_at, seq LIMIT ?",
                functionName,
                now,
                limit);
    }

    /** When the next queued event falls due (possibly in the past), if any is queued. */
    public OptionalLong nextDueAt() {
        try {
            PreparedStatement ps = statement("SELECT MIN(due_at) FROM events WHERE state = 'queued'");
            try (ResultSet rs = ps.executeQuery()) {
                long v = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the queue", e);
        }
    }

    /** When the next queued event of a function falls due (possibly in the past), if it has any queued. */
    public OptionalLong nextDueAt(String functionName) {
        try {
            PreparedStatement ps =
                    statement("SELECT MIN(due_at) FROM events WHERE state = 'queued' AND function_name = ?");
            ps.setString(1, functionName);
            try (ResultSet rs = ps.executeQuery()) {
                long v = rs.next() ? rs.getLong(1) : 0;
                return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(v);
            }
        } catch (SQLException e) {
            throw new StoreException("cannot read the queue", e);
        }
    }

    /** Claims a queued event until {@code leaseUntil}; answers whether it was still queued. */
    public boolean claim(long seq, long leaseUntil, long now) {
        return update(
                        "UPDATE events SET state = 'running', lease_until = ?, claims = claims + 1, updated_at = ?"
                                + " WHERE seq = ? AND state = 'queued'",
                        leaseUntil,
                        now,
                        seq)
                == 1;
    }

    public Optional<StoredEvent> get(long seq) {
        return select("SELECT " + COLUMNS + " FROM events WHERE seq = ?", seq).stream()
                .findFirst();
    }

    public Optional<StoredEvent> byRequestId(String requestId) {
        return select("SELECT " + COLUMNS + " FROM events WHERE request_id = ?", requestId).stream()
                .findFirst();
    }

    /** Deletes a finished event, if the claim {@code claims} still holds it; answers whether it did. */
    public boolean delete(long seq, int claims) {
        return update("DELETE FROM events WHERE seq = ? AND claims = ? AND state = 'running'", seq, claims) == 1;
    }

    /**
     * Writes the new state of an event (queued again, or failed), if the claim {@code expectedClaims} still holds
     * it; answers whether it did.
     */
    public boolean update(StoredEvent next, int expectedClaims) {
        try {
            PreparedStatement ps = statement("UPDATE events SET state = ?, due_at = ?, lease_until = ?,"
                    + " invoke_count = ?, function_errors = ?, retryable_errors = ?, last_status = ?,"
                    + " last_function_error = ?, last_executed_version = ?, last_response = ?, condition = ?,"
                    + " error = ?, updated_at = ? WHERE seq = ? AND claims = ? AND state = 'running'");
            ps.setString(1, next.state());
            ps.setLong(2, next.dueAt());
            ps.setLong(3, next.leaseUntil());
            ps.setInt(4, next.invokeCount());
            ps.setInt(5, next.functionErrors());
            ps.setInt(6, next.retryableErrors());
            setInteger(ps, 7, next.lastStatus());
            ps.setString(8, next.lastFunctionError());
            ps.setString(9, next.lastExecutedVersion());
            ps.setBytes(10, next.lastResponse());
            ps.setString(11, next.condition());
            ps.setString(12, next.error());
            ps.setLong(13, next.updatedAt());
            ps.setLong(14, next.seq());
            ps.setInt(15, expectedClaims);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException("cannot update event " + next.requestId(), e);
        }
    }

    /** The failed events of a function, oldest failure first. */
    public List<StoredEvent> failed(String functionName, int limit) {
        return select(
                "SELECT " + COLUMNS + " FROM events WHERE state = 'failed' AND function_name = ?"
                        + " ORDER BY updated_at, seq LIMIT ?",
                functionName,
                limit);
    }

    /**
     * Queues failed events again (of one function, or of all when {@code functionName} is null), as new: due at
     * once, their attempts and age counted afresh, their request ids kept. Answers how many.
     */
    public int redrive(String functionName, long now) {
        String set = "UPDATE events SET state = 'queued', received_at = ?, due_at = ?, lease_until = 0,"
                + " invoke_count = 0, function_errors = 0, retryable_errors = 0, last_status = NULL,"
                + " last_function_error = NULL, last_executed_version = NULL, last_response = NULL,"
                + " condition = NULL, error = NULL, updated_at = ? WHERE state = 'failed'";
        return functionName == null
                ? update(set, now, now, now)
                : update(set + " AND function_name = ?", now, now, now, functionName);
    }

    /** How many events of a function are in each state. */
    public Map<String, Long> countByState(String functionName) {
        Map<String, Long> counts = new HashMap<>();
        try {
            PreparedStatement ps =
                    statement("SELECT state, COUNT(*) FROM events WHERE function_name = ? GROUP BY state");
            ps.setString(1, functionName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new StoreException("cannot count events", e);
        }
    }

    // ---- Settings -------------------------------------------------------------------------------------------

    /** Inserts or replaces one asynchronous setting of a function. */
    public void putSetting(String functionName, String kind, String key, String doc) {
        update(
                "INSERT OR REPLACE INTO async_settings (function_name, kind, key, doc) VALUES (?, ?, ?, ?)",
                functionName,
                kind,
                key,
                doc);
    }

    public boolean deleteSetting(String functionName, String kind, String key) {
        return update(
                        "DELETE FROM async_settings WHERE function_name = ? AND kind = ? AND key = ?",
                        functionName,
                        kind,
                        key)
                == 1;
    }

    /** Deletes every setting of a function (it was deleted). */
    public int deleteSettings(String functionName) {
        return update("DELETE FROM async_settings WHERE function_name = ?", functionName);
    }

    /** Every setting of one kind, across functions, ordered by function and key. */
    public List<String> listSettings(String kind) {
        List<String> docs = new ArrayList<>();
        try {
            PreparedStatement ps =
                    statement("SELECT doc FROM async_settings WHERE kind = ? ORDER BY function_name, key");
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    docs.add(rs.getString(1));
                }
            }
            return docs;
        } catch (SQLException e) {
            throw new StoreException("cannot list settings", e);
        }
    }

    // ---- Helpers --------------------------------------------------------------------------------------------

    private PreparedStatement statement(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    private static void setInteger(PreparedStatement ps, int index, Integer value) throws SQLException {
        if (value == null) {
            ps.setNull(index, Types.INTEGER);
        } else {
            ps.setInt(index, value);
        }
    }

    private void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            switch (a) {
                case String s -> ps.setString(i + 1, s);
                case Long l -> ps.setLong(i + 1, l);
                case Integer n -> ps.setInt(i + 1, n);
                case null -> ps.setNull(i + 1, Types.NULL);
                default -> throw new IllegalArgumentException("cannot bind " + a.getClass());
            }
        }
    }

    private int update(String sql, Object... args) {
        try {
            PreparedStatement ps = statement(sql);
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("event queue update failed", e);
        }
    }

    private List<StoredEvent> select(String sql, Object... args) {
        try {
            PreparedStatement ps = statement(sql);
            bind(ps, args);
            List<StoredEvent> events = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(row(rs));
                }
            }
            return events;
        } catch (SQLException e) {
            throw new StoreException("event queue query failed", e);
        }
    }

    private static StoredEvent row(ResultSet rs) throws SQLException {
        int status = rs.getInt(16);
        Integer lastStatus = rs.wasNull() ? null : status;
        return new StoredEvent(
                rs.getLong(1),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getBytes(6),
                rs.getString(7),
                rs.getLong(8),
                rs.getString(9),
                rs.getLong(10),
                rs.getLong(11),
                rs.getInt(12),
                rs.getInt(13),
                rs.getInt(14),
                rs.getInt(15),
                lastStatus,
                rs.getString(17),
                rs.getString(18),
                rs.getBytes(19),
                rs.getString(20),
                rs.getString(21),
                rs.getLong(22));
    }

    @Override
    public void close() {
        try {
            for (PreparedStatement ps : statements.values()) {
                ps.close();
            }
            statements.clear();
            connection.close();
        } catch (SQLException e) {
            throw new StoreException("cannot close the event queue", e);
        }
    }
}
