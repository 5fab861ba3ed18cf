package dev.lamina.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lamina.store.EventStore;
import dev.lamina.store.StoredEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group-commit writer: work waiting together commits together, after its commit and not before. */
class QueueWriterTest {

    @TempDir
    Path dir;

    private static StoredEvent event(int i) {
        return StoredEvent.accepted(
                "req-" + i,
                "f",
                null,
                "arn:aws:lambda:us-east-1:000000000000:function:f",
                ("{\"i\":" + i + "}").getBytes(StandardCharsets.UTF_8),
                null,
                1_000 + i);
    }

    @Test
    void work_that_waits_together_commits_in_one_transaction() throws Exception {
        try (QueueWriter writer = new QueueWriter(EventStore.open(dir))) {
            CountDownLatch blocking = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> blocker = writer.submit(store -> {
                blocking.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            blocking.await();
            long commitsBefore = writer.commits();
            List<CompletableFuture<Long>> accepted = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                StoredEvent e = event(i);
                accepted.add(writer.submit(store -> store.insert(e)));
            }
            assertThat(accepted).noneMatch(CompletableFuture::isDone); // nothing is acknowledged before its commit
            release.countDown();
            blocker.join();
            CompletableFuture.allOf(accepted.toArray(CompletableFuture[]::new)).join();
            assertThat(writer.commits() - commitsBefore)
                    .as("the blocker's transaction, then one for all 500 waiting")
                    .isEqualTo(2);
            assertThat(writer.write(store -> store.countByState("f")).get(StoredEvent.QUEUED))
                    .isEqualTo(500L);
        }
    }

    @Test
    void a_failing_piece_of_work_fails_alone() throws Exception {
        try (QueueWriter writer = new QueueWriter(EventStore.open(dir))) {
            CountDownLatch blocking = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            writer.submit(store -> {
                blocking.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            });
            blocking.await();
            CompletableFuture<Long> first = writer.submit(store -> store.insert(event(1)));
            CompletableFuture<Long> duplicate = writer.submit(store -> store.insert(event(1))); // same request id
            CompletableFuture<Long> other = writer.submit(store -> store.insert(event(2)));
            release.countDown();
            assertThat(first.join()).isPositive();
            assertThat(other.join()).isPositive();
            assertThatThrownBy(duplicate::join).isInstanceOf(CompletionException.class);
            assertThat(writer.write(store -> store.countByState("f")).get(StoredEvent.QUEUED))
                    .isEqualTo(2L);
        }
    }

    @Test
    void acknowledged_work_is_in_the_file_when_it_is_opened_again() {
        try (QueueWriter writer = new QueueWriter(EventStore.open(dir))) {
            for (int i = 0; i < 20; i++) {
                StoredEvent e = event(i);
                writer.write(store -> store.insert(e));
            }
        }
        try (EventStore store = EventStore.open(dir)) {
            assertThat(store.byRequestId("req-19")).isPresent();
            assertThat(store.countByState("f").get(StoredEvent.QUEUED)).isEqualTo(20L);
        }
    }

    @Test
    void work_submitted_after_close_fails() {
        QueueWriter writer = new QueueWriter(EventStore.open(dir));
        writer.close();
        assertThatThrownBy(() -> writer.write(store -> store.insert(event(1))))
                .isInstanceOf(CompletionException.class)
                .hasRootCauseInstanceOf(IllegalStateException.class);
    }
}
