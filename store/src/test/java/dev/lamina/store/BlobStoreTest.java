package dev.lamina.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobStoreTest {

    private static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @TempDir
    Path dir;

    @Test
    void sha256_hex_matches_the_known_test_vectors() {
        assertThat(BlobStore.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(ABC_SHA256);
        assertThat(BlobStore.sha256Hex(new byte[0])).isEqualTo(EMPTY_SHA256);
        assertThat(BlobStore.sha256Hex(
                        "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }

    @Test
    void put_answers_the_hex_sha256_of_the_bytes() {
        BlobStore blobs = new BlobStore(dir.resolve("blobs"));
        assertThat(blobs.put("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC_SHA256);
    }

    @Test
    void path_is_named_by_the_digest_under_a_two_character_fan_out_folder() {
        Path root = dir.resolve("blobs");
        BlobStore blobs = new BlobStore(root);
        assertThat(blobs.path(ABC_SHA256)).isEqualTo(root.resolve("ba").resolve(ABC_SHA256 + ".zip"));
    }

    @Test
    void put_writes_the_bytes_at_their_content_address() throws Exception {
        Path root = dir.resolve("blobs");
        BlobStore blobs = new BlobStore(root);
        byte[] bytes = "some deployment package".getBytes(StandardCharsets.UTF_8);
        String sha = blobs.put(bytes);
        assertThat(blobs.path(sha)).isRegularFile().hasBinaryContent(bytes);
        assertThat(blobs.path(sha).getParent().getParent()).isEqualTo(root);
        assertThat(blobs.read(sha)).isEqualTo(bytes);
    }

    @Test
    void put_is_idempotent_and_leaves_exactly_one_file_and_no_temporaries() throws Exception {
        Path root = dir.resolve("blobs");
        BlobStore blobs = new BlobStore(root);
        byte[] bytes = "same bytes".getBytes(StandardCharsets.UTF_8);
        String first = blobs.put(bytes);
        String second = blobs.put(bytes.clone());
        assertThat(second).isEqualTo(first);
        assertThat(blobs.read(first)).isEqualTo(bytes);
        assertThat(files(root)).containsExactly(blobs.path(first));
    }

    @Test
    void different_contents_get_different_files() throws Exception {
        Path root = dir.resolve("blobs");
        BlobStore blobs = new BlobStore(root);
        String a = blobs.put("a".getBytes(StandardCharsets.UTF_8));
        String b = blobs.put("b".getBytes(StandardCharsets.UTF_8));
        assertThat(a).isNotEqualTo(b);
        assertThat(blobs.read(a)).isEqualTo("a".getBytes(StandardCharsets.UTF_8));
        assertThat(blobs.read(b)).isEqualTo("b".getBytes(StandardCharsets.UTF_8));
        assertThat(files(root)).containsExactlyInAnyOrder(blobs.path(a), blobs.path(b));
    }

    @Test
    void stores_an_empty_blob() {
        BlobStore blobs = new BlobStore(dir.resolve("blobs"));
        assertThat(blobs.put(new byte[0])).isEqualTo(EMPTY_SHA256);
        assertThat(blobs.read(EMPTY_SHA256)).isEmpty();
    }

    @Test
    void reading_a_missing_blob_fails() {
        BlobStore blobs = new BlobStore(dir.resolve("blobs"));
        assertThatThrownBy(() -> blobs.read(ABC_SHA256)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void the_store_keeps_its_blobs_under_the_data_dir() {
        String sha;
        try (Store store = Store.open(dir)) {
            sha = store.blobs().put("abc".getBytes(StandardCharsets.US_ASCII));
            assertThat(store.blobs().path(sha)).startsWith(dir.resolve("blobs"));
        }
        try (Store store = Store.open(dir)) {
            assertThat(store.blobs().read(sha)).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static List<Path> files(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }
}
