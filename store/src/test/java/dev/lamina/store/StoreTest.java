package dev.lamina.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreTest {

    @TempDir
    Path dir;

    @Test
    void creates_the_database_file_and_blob_folder_in_the_data_dir() {
        Path data = dir.resolve("nested/data");
        try (Store store = Store.open(data)) {
            assertThat(store.blobs()).isNotNull();
        }
        assertThat(data.resolve("lamina.db")).isRegularFile();
        assertThat(data.resolve("blobs")).isDirectory();
    }

    @Test
    void answers_a_stored_version_document_exactly() {
        try (Store store = Store.open(dir)) {
            String doc = "{\"functionName\":\"f\",\"version\":\"$LATEST\",\"note\":\"é ünïcødé 🚀\"}";
            store.putVersion("f", "$LATEST", doc);
            assertThat(store.getVersion("f", "$LATEST")).contains(doc);
        }
    }

    @Test
    void answers_empty_for_an_unknown_function_or_version() {
        try (Store store = Store.open(dir)) {
            store.putVersion("f", "$LATEST", "{}");
            assertThat(store.getVersion("g", "$LATEST")).isEmpty();
            assertThat(store.getVersion("f", "1")).isEmpty();
        }
    }

    @Test
    void replaces_the_document_of_an_existing_version() {
        try (Store store = Store.open(dir)) {
            store.putVersion("f", "$LATEST", "{\"rev\":1}");
            store.putVersion("f", "$LATEST", "{\"rev\":2}");
            assertThat(store.getVersion("f", "$LATEST")).contains("{\"rev\":2}");
            assertThat(store.listAllVersions()).containsExactly("{\"rev\":2}");
        }
    }

    @Test
    void lists_all_versions_of_all_functions_ordered_by_name_then_version() {
        try (Store store = Store.open(dir)) {
            store.putVersion("b", "$LATEST", "b-latest");
            store.putVersion("a", "2", "a-2");
            store.putVersion("a", "$LATEST", "a-latest");
            store.putVersion("a", "1", "a-1");
            assertThat(store.listAllVersions()).containsExactly("a-latest", "a-1", "a-2", "b-latest");
        }
    }

    @Test
    void deletes_a_function_with_all_its_versions_and_only_that_function() {
        try (Store store = Store.open(dir)) {
            store.putVersion("f", "$LATEST", "f-latest");
            store.putVersion("f", "1", "f-1");
            store.putVersion("g", "$LATEST", "g-latest");
            assertThat(store.deleteFunction("f")).isTrue();
            assertThat(store.getVersion("f", "$LATEST")).isEmpty();
            assertThat(store.getVersion("f", "1")).isEmpty();
            assertThat(store.listAllVersions()).containsExactly("g-latest");
        }
    }

    @Test
    void deleting_an_unknown_function_answers_false() {
        try (Store store = Store.open(dir)) {
            store.putVersion("g", "$LATEST", "g-latest");
            assertThat(store.deleteFunction("f")).isFalse();
            assertThat(store.listAllVersions()).containsExactly("g-latest");
        }
    }

    @Test
    void a_deleted_version_is_hidden_but_its_label_is_kept() {
        try (Store store = Store.open(dir)) {
            store.putVersion("f", "$LATEST", "f-latest");
            store.putVersion("f", "1", "f-1");
            store.putVersion("f", "2", "f-2");
            store.markVersionDeleted("f", "1");
            assertThat(store.getVersion("f", "1")).isEmpty();
            assertThat(store.getVersion("f", "2")).contains("f-2");
            assertThat(store.listAllVersions()).containsExactly("f-latest", "f-2");
            assertThat(store.listVersionLabels("f")).containsExactlyInAnyOrder("$LATEST", "1", "2");
        }
        try (Store store = Store.open(dir)) {
            assertThat(store.getVersion("f", "1")).isEmpty();
            assertThat(store.listVersionLabels("f")).containsExactlyInAnyOrder("$LATEST", "1", "2");
        }
    }

    @Test
    void deleting_a_function_removes_its_version_labels_and_settings() {
        try (Store store = Store.open(dir)) {
            store.putVersion("f", "$LATEST", "f-latest");
            store.putVersion("f", "1", "f-1");
            store.markVersionDeleted("f", "1");
            store.putSetting("f", "alias", "live", "{\"alias\":\"live\"}");
            store.putSetting("f", "tags", "", "{}");
            store.putSetting("g", "alias", "live", "g-live");
            assertThat(store.deleteFunction("f")).isTrue();
            assertThat(store.listVersionLabels("f")).isEmpty();
            assertThat(store.getSetting("f", "alias", "live")).isEmpty();
            assertThat(store.listSettings("f", "tags")).isEmpty();
            assertThat(store.listSettings("alias")).containsExactly("g-live");
        }
    }

    @Test
    void stores_replaces_lists_and_deletes_settings_by_function_kind_and_key() {
        try (Store store = Store.open(dir)) {
            store.putSetting("f", "alias", "prod", "f-prod-v1");
            store.putSetting("f", "alias", "dev", "f-dev");
            store.putSetting("f", "alias", "prod", "f-prod-v2");
            store.putSetting("f", "concurrency", "", "5");
            store.putSetting("a", "alias", "x", "a-x");
            assertThat(store.getSetting("f", "alias", "prod")).contains("f-prod-v2");
            assertThat(store.getSetting("f", "alias", "missing")).isEmpty();
            assertThat(store.getSetting("f", "concurrency", "")).contains("5");
            assertThat(store.listSettings("f", "alias")).containsExactly("f-dev", "f-prod-v2");
            assertThat(store.listSettings("alias")).containsExactly("a-x", "f-dev", "f-prod-v2");
            assertThat(store.deleteSetting("f", "alias", "dev")).isTrue();
            assertThat(store.deleteSetting("f", "alias", "dev")).isFalse();
            assertThat(store.listSettings("f", "alias")).containsExactly("f-prod-v2");
        }
        try (Store store = Store.open(dir)) {
            assertThat(store.getSetting("f", "alias", "prod")).contains("f-prod-v2");
        }
    }

    @Test
    void opens_a_store_written_with_the_first_schema_and_keeps_its_data() throws Exception {
        // The schema as version 1 of the store created it.
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("lamina.db"));
                var s = c.createStatement()) {
            s.execute("CREATE TABLE function_versions (name TEXT NOT NULL, version TEXT NOT NULL, doc TEXT NOT NULL,"
                    + " PRIMARY KEY (name, version))");
            s.execute("CREATE TABLE log_events (seq INTEGER PRIMARY KEY AUTOINCREMENT, log_group TEXT NOT NULL,"
                    + " log_stream TEXT NOT NULL, timestamp INTEGER NOT NULL, message TEXT NOT NULL)");
            s.execute("CREATE INDEX log_events_by_group ON log_events (log_group, seq)");
            s.execute("INSERT INTO function_versions VALUES ('f', '$LATEST', 'old-doc')");
            s.execute("INSERT INTO log_events (log_group, log_stream, timestamp, message) VALUES ('g', 's', 1, 'old')");
            s.execute("PRAGMA user_version = 1");
        }
        try (Store store = Store.open(dir)) {
            assertThat(store.getVersion("f", "$LATEST")).contains("old-doc");
            assertThat(store.readLogs("g", 0, 10)).extracting(LogEvent::message).containsExactly("old");
            store.putSetting("f", "tags", "", "{}");
            assertThat(store.getSetting("f", "tags", "")).contains("{}");
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("lamina.db"));
                var s = c.createStatement();
                var rs = s.executeQuery("PRAGMA user_version")) {
            assertThat(rs.getInt(1)).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void reads_appended_logs_of_one_group_oldest_first_with_all_fields() {
        try (Store store = Store.open(dir)) {
            store.appendLogs(List.of(
                    new LogEvent(0, "/aws/lambda/f", "s1", 1000, "first"),
                    new LogEvent(0, "/aws/lambda/g", "s9", 1001, "other group"),
                    new LogEvent(0, "/aws/lambda/f", "s2", 1002, "second")));
            List<LogEvent> events = store.readLogs("/aws/lambda/f", 0, 100);
            assertThat(events).extracting(LogEvent::message).containsExactly("first", "second");
            assertThat(events).extracting(LogEvent::logStream).containsExactly("s1", "s2");
            assertThat(events).extracting(LogEvent::timestamp).containsExactly(1000L, 1002L);
            assertThat(events).allSatisfy(e -> assertThat(e.logGroup()).isEqualTo("/aws/lambda/f"));
            assertThat(events.get(0).seq()).isPositive();
            assertThat(events.get(1).seq()).isGreaterThan(events.get(0).seq());
        }
    }

    @Test
    void appending_no_events_changes_nothing() {
        try (Store store = Store.open(dir)) {
            store.appendLogs(List.of());
            assertThat(store.readLogs("/aws/lambda/f", 0, 100)).isEmpty();
        }
    }

    @Test
    void pages_through_logs_with_after_seq_and_limit_without_gaps_or_repeats() {
        try (Store store = Store.open(dir)) {
            for (int batch = 0; batch < 5; batch++) {
                List<LogEvent> events = new ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    events.add(new LogEvent(0, "/aws/lambda/f", "s", batch * 100 + i, "line " + (batch * 7 + i)));
                    events.add(new LogEvent(0, "/aws/lambda/noise", "s", 0, "noise"));
                }
                store.appendLogs(events);
            }
            List<String> seen = new ArrayList<>();
            long after = 0;
            int pages = 0;
            while (true) {
                List<LogEvent> page = store.readLogs("/aws/lambda/f", after, 4);
                if (page.isEmpty()) {
                    break;
                }
                assertThat(page.size()).isLessThanOrEqualTo(4);
                assertThat(page).allSatisfy(e -> assertThat(e.logGroup()).isEqualTo("/aws/lambda/f"));
                page.forEach(e -> seen.add(e.message()));
                after = page.getLast().seq();
                pages++;
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 35; i++) {
                expected.add("line " + i);
            }
            assertThat(seen).containsExactlyElementsOf(expected);
            assertThat(pages).isEqualTo(9);
        }
    }

    @Test
    void reading_after_the_last_seq_answers_nothing() {
        try (Store store = Store.open(dir)) {
            store.appendLogs(List.of(new LogEvent(0, "g", "s", 1, "a"), new LogEvent(0, "g", "s", 2, "b")));
            long last = store.readLogs("g", 0, 10).getLast().seq();
            assertThat(store.readLogs("g", last, 10)).isEmpty();
            assertThat(store.readLogs("g", last - 1, 10))
                    .extracting(LogEvent::message)
                    .containsExactly("b");
        }
    }

    @Test
    void keeps_versions_logs_and_blobs_after_reopening() {
        String sha;
        long lastSeq;
        try (Store store = Store.open(dir)) {
            store.putVersion("f", "$LATEST", "{\"v\":\"latest\"}");
            store.putVersion("f", "1", "{\"v\":1}");
            store.putVersion("g", "$LATEST", "{\"g\":true}");
            store.deleteFunction("g");
            store.appendLogs(List.of(new LogEvent(0, "/aws/lambda/f", "s", 5, "before close")));
            lastSeq = store.readLogs("/aws/lambda/f", 0, 10).getLast().seq();
            sha = store.blobs().put("zip bytes".getBytes());
        }
        try (Store store = Store.open(dir)) {
            assertThat(store.getVersion("f", "$LATEST")).contains("{\"v\":\"latest\"}");
            assertThat(store.getVersion("f", "1")).contains("{\"v\":1}");
            assertThat(store.getVersion("g", "$LATEST")).isEmpty();
            assertThat(store.listAllVersions()).hasSize(2);
            assertThat(store.readLogs("/aws/lambda/f", 0, 10))
                    .extracting(LogEvent::message)
                    .containsExactly("before close");
            assertThat(store.blobs().read(sha)).isEqualTo("zip bytes".getBytes());

            store.appendLogs(List.of(new LogEvent(0, "/aws/lambda/f", "s", 6, "after reopen")));
            List<LogEvent> after = store.readLogs("/aws/lambda/f", lastSeq, 10);
            assertThat(after).extracting(LogEvent::message).containsExactly("after reopen");
            assertThat(after.getFirst().seq()).isGreaterThan(lastSeq);
        }
    }

    @Test
    void sequence_numbers_are_not_reused_after_the_newest_logs_are_gone() throws Exception {
        // AUTOINCREMENT: a reader paging with afterSeq must never see a number twice.
        long first;
        try (Store store = Store.open(dir)) {
            store.appendLogs(List.of(new LogEvent(0, "g", "s", 1, "a")));
            first = store.readLogs("g", 0, 10).getFirst().seq();
        }
        try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("lamina.db"));
                var s = c.createStatement()) {
            s.execute("DELETE FROM log_events");
        }
        try (Store store = Store.open(dir)) {
            store.appendLogs(List.of(new LogEvent(0, "g", "s", 2, "b")));
            assertThat(store.readLogs("g", 0, 10).getFirst().seq()).isGreaterThan(first);
        }
    }

    @Test
    void opening_twice_in_a_row_does_not_fail_on_the_existing_schema() {
        Store.open(dir).close();
        Store.open(dir).close();
        try (Store store = Store.open(dir)) {
            store.putVersion("f", "$LATEST", "{}");
        }
        assertThat(Files.exists(dir.resolve("lamina.db"))).isTrue();
    }
}
