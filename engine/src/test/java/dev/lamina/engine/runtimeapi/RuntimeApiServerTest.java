package dev.lamina.engine.runtimeapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Runtime API server's HTTP/1.1 framing, over a real loopback socket, with a recording {@link RuntimeApi}. */
class RuntimeApiServerTest {

    private static final String NEXT = "/2018-06-01/runtime/invocation/next";
    private static final String ID = "6bc28136-1111-4365-b021-0ce6b2e64ab0";
    private static final String RESPONSE = "/2018-06-01/runtime/invocation/" + ID + "/response";
    private static final String ERROR = "/2018-06-01/runtime/invocation/" + ID + "/error";

    private final Recorder api = new Recorder();
    private RuntimeApiServer server;

    @BeforeEach
    void start() throws IOException {
        server = new RuntimeApiServer(api);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void next_answers_the_event_with_its_headers() throws IOException {
        try (Client c = connect()) {
            c.send("GET " + NEXT + " HTTP/1.1\r\nHost: x\r\n\r\n");
            Reply r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.statusLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(r.header("content-type")).isEqualTo("application/json");
            assertThat(r.header("lambda-runtime-aws-request-id")).isEqualTo(ID);
            assertThat(r.header("lambda-runtime-deadline-ms")).isEqualTo("1234");
            assertThat(r.headers()).doesNotContainKey("lambda-runtime-client-context"); // null: left out
            assertThat(r.body()).isEqualTo("{\"event\":1}");
            assertThat(api.calls).containsExactly("next");
        }
    }

    @Test
    void a_response_is_passed_on_with_its_body_and_answered_202() throws IOException {
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 7\r\n\r\n\"done!\"");
            Reply r = c.read();
            assertThat(r.statusLine()).isEqualTo("HTTP/1.1 202 Accepted");
            assertThat(r.body()).isEqualTo("{\"status\":\"OK\"}");
            assertThat(api.calls).containsExactly("response " + ID + " \"done!\"");
        }
    }

    @Test
    void header_names_are_case_insensitive_and_the_error_type_is_passed_on() throws IOException {
        try (Client c = connect()) {
            c.send("POST " + ERROR + " HTTP/1.1\r\ncOnTeNt-LeNgTh:   3  \r\n"
                    + "LAMBDA-RUNTIME-FUNCTION-ERROR-TYPE:  Custom.Fail \r\n\r\nabc");
            assertThat(c.read().status()).isEqualTo(202);
            c.send("POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 2\r\n"
                    + "Lambda-Runtime-Function-Error-Type: Runtime.Boom\r\n\r\n{}");
            assertThat(c.read().status()).isEqualTo(202);
            c.send("POST " + ERROR + " HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(api.calls)
                    .containsExactly(
                            "error " + ID + " Custom.Fail abc", "initError Runtime.Boom {}", "error " + ID + " null ");
        }
    }

    @Test
    void a_chunked_body_is_assembled_without_extensions_and_trailers() throws IOException {
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nabcd\r\n"
                    + "A\r\n0123456789\r\n"
                    + "0\r\nX-Trailer: t\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(202);
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(api.calls).containsExactly("response " + ID + " abcd0123456789", "response " + ID + " ");
        }
    }

    @Test
    void expect_100_continue_is_answered_before_the_body_is_read() throws IOException {
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.readLine()).isEqualTo("HTTP/1.1 100 Continue");
            assertThat(c.readLine()).isEmpty();
            c.send("{}");
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(api.calls).containsExactly("response " + ID + " {}");
        }
    }

    @Test
    void http_1_0_and_connection_close_end_the_connection_after_the_answer() throws IOException {
        for (String request : List.of(
                "GET " + NEXT + " HTTP/1.0\r\n\r\n",
                "GET " + NEXT + " HTTP/1.1\r\nConnection: close\r\n\r\n",
                "GET " + NEXT + " HTTP/1.1\r\nConnection: CLOSE\r\n\r\n")) {
            try (Client c = connect()) {
                c.send(request);
                assertThat(c.read().status()).isEqualTo(200);
                assertThat(c.atEnd()).as(request).isTrue();
            }
        }
    }

    @Test
    void http_1_0_with_keep_alive_and_http_1_1_keep_the_connection() throws IOException {
        try (Client c = connect()) {
            c.send("GET " + NEXT + " HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            c.send("GET " + NEXT + " HTTP/1.1\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            c.send("GET " + NEXT + " HTTP/1.1\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(api.calls).hasSize(3);
        }
    }

    @Test
    void a_response_over_the_limit_is_drained_and_fails_the_invocation() throws IOException {
        byte[] big = new byte[RuntimeApiServer.MAX_BODY + 1];
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: " + big.length + "\r\n\r\n");
            c.send(big);
            Reply r = c.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("RequestEntityTooLarge").contains(RuntimeApiServer.MAX_BODY + " bytes");
            // the connection stays usable: the body was drained, not read as requests
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 2\r\n\r\nok");
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(api.calls).containsExactly("responseTooLarge " + ID, "response " + ID + " ok");
        }
    }

    @Test
    void a_body_of_exactly_the_limit_is_accepted() throws IOException {
        byte[] max = new byte[RuntimeApiServer.MAX_BODY];
        java.util.Arrays.fill(max, (byte) 'x');
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: " + max.length + "\r\n\r\n");
            c.send(max);
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(api.lastBodyLength).isEqualTo(RuntimeApiServer.MAX_BODY);
        }
    }

    @Test
    void a_chunked_body_over_the_limit_is_drained_too() throws IOException {
        int chunk = 1024 * 1024;
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 7; i++) {
                c.send(Integer.toHexString(chunk) + "\r\n");
                c.send(new byte[chunk]);
                c.send("\r\n");
            }
            c.send("0\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(413);
            c.send("POST /2018-06-01/runtime/init/error HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 7; i++) {
                c.send(Integer.toHexString(chunk) + "\r\n");
                c.send(new byte[chunk]);
                c.send("\r\n");
            }
            c.send("0\r\n\r\n");
            Reply other = c.read();
            assertThat(other.status()).isEqualTo(413);
            assertThat(other.body()).contains("RequestEntityTooLarge");
            assertThat(api.calls).containsExactly("responseTooLarge " + ID);
        }
    }

    @Test
    void a_stray_crlf_between_requests_is_ignored() throws IOException {
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\r\n");
            assertThat(c.read().status()).isEqualTo(202);
            c.send("GET " + NEXT + " HTTP/1.1\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
        }
    }

    @Test
    void lf_only_line_ends_are_accepted() throws IOException {
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\nContent-Length: 2\n\n{}");
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(api.calls).containsExactly("response " + ID + " {}");
        }
    }

    @Test
    void headers_over_64_kib_close_the_connection_without_an_answer() throws IOException {
        try (Client c = connect()) {
            try {
                c.send("GET " + NEXT + " HTTP/1.1\r\n");
                for (int i = 0; i < 80; i++) {
                    c.send("X-Filler-" + i + ": " + "f".repeat(1000) + "\r\n");
                }
                c.send("\r\n");
            } catch (IOException e) {
                // the server may close while the head is still being sent
            }
            assertThat(c.atEnd()).isTrue();
            assertThat(api.calls).isEmpty();
        }
    }

    @Test
    void unknown_routes_and_methods_are_404() throws IOException {
        try (Client c = connect()) {
            for (String request : List.of(
                    "GET /2018-06-01/runtime/invocation/nextx HTTP/1.1\r\n\r\n",
                    "POST " + NEXT + " HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                    "GET " + RESPONSE + " HTTP/1.1\r\n\r\n",
                    "POST /2018-06-01/runtime/invocation/" + ID + "/other HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                    "POST /2018-06-01/runtime/invocation//response HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                    "GET /other HTTP/1.1\r\n\r\n",
                    "GET /2018-06-01/runtime/invocation/next/ HTTP/1.1\r\n\r\n")) {
                c.send(request);
                Reply r = c.read();
                assertThat(r.status()).as(request).isEqualTo(404);
                assertThat(r.statusLine()).isEqualTo("HTTP/1.1 404 Not Found");
                assertThat(r.body()).contains("InvalidRequest");
            }
            assertThat(api.calls).isEmpty();
        }
    }

    @Test
    void a_query_string_is_not_part_of_the_route() throws IOException {
        try (Client c = connect()) {
            c.send("GET " + NEXT + "?x=1 HTTP/1.1\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(api.calls).containsExactly("next");
        }
    }

    @Test
    void a_request_line_without_a_target_closes_the_connection() throws IOException {
        try (Client c = connect()) {
            c.send("GARBAGE\r\n\r\n");
            assertThat(c.atEnd()).isTrue();
        }
    }

    @Test
    void a_head_split_across_many_reads_is_parsed() throws IOException {
        String request = "POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 5\r\nX-Other: y\r\n\r\nhello";
        try (Client c = connect()) {
            for (byte b : request.getBytes(StandardCharsets.US_ASCII)) {
                c.send(new byte[] {b});
                pause();
            }
            assertThat(c.read().status()).isEqualTo(202);
            // and one split exactly between the two CRLFs that end the head
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 2\r\n");
            pause();
            c.send("\r\n{}");
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(api.calls).containsExactly("response " + ID + " hello", "response " + ID + " {}");
        }
    }

    @Test
    void pipelined_requests_are_answered_in_order() throws IOException {
        try (Client c = connect()) {
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 1\r\n\r\na"
                    + "GET /nowhere HTTP/1.1\r\n\r\n"
                    + "POST " + RESPONSE + " HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n"
                    + "GET " + NEXT + " HTTP/1.1\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(c.read().status()).isEqualTo(404);
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(api.calls).containsExactly("response " + ID + " a", "response " + ID + " b", "next");
        }
    }

    @Test
    void a_large_event_is_written_whole() throws IOException {
        byte[] event = new byte[3 * 1024 * 1024];
        for (int i = 0; i < event.length; i++) {
            event[i] = (byte) ('a' + i % 26);
        }
        api.event = event;
        try (Client c = connect()) {
            c.send("GET " + NEXT + " HTTP/1.1\r\n\r\n");
            Reply r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bytes()).isEqualTo(event);
        }
    }

    @Test
    void a_kept_next_is_answered_from_another_thread_and_the_connection_goes_on() throws Exception {
        api.keepNext = true;
        try (Client c = connect()) {
            c.send("GET " + NEXT + " HTTP/1.1\r\n\r\n");
            WaitingNext kept = api.awaitKept();
            assertThat(kept.answer(api.event())).isTrue();
            Reply r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("lambda-runtime-aws-request-id")).isEqualTo(ID);
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(kept.answer(api.event())).as("a second answer").isFalse();
            assertThat(c.nothingMore()).isTrue();
        }
    }

    @Test
    void a_request_pipelined_behind_a_kept_next_waits_for_its_answer() throws Exception {
        api.keepNext = true;
        try (Client c = connect()) {
            c.send("GET " + NEXT + " HTTP/1.1\r\n\r\n" + "POST " + RESPONSE
                    + " HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
            WaitingNext kept = api.awaitKept();
            Thread.sleep(200);
            assertThat(api.calls).containsExactly("next");
            assertThat(c.nothingMore()).isTrue();
            kept.answer(api.event());
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.read().status()).isEqualTo(202);
            assertThat(api.calls).containsExactly("next", "response " + ID + " {}");
        }
    }

    @Test
    void a_large_answer_is_written_by_a_thread_of_its_own_so_the_answering_thread_does_not_block() throws Exception {
        // Far more than the socket buffers hold: written on the answering thread, it would block until read.
        byte[] event = new byte[64 * 1024 * 1024];
        java.util.Arrays.fill(event, (byte) 'e');
        api.event = event;
        api.keepNext = true;
        try (Client c = connect()) {
            c.send("GET " + NEXT + " HTTP/1.1\r\n\r\n");
            WaitingNext kept = api.awaitKept();
            CompletableFuture<Boolean> answered = CompletableFuture.supplyAsync(() -> kept.answer(api.event()));
            assertThat(answered.get(5, TimeUnit.SECONDS)).isTrue(); // nothing read yet
            Reply r = c.read();
            assertThat(r.bytes()).hasSize(event.length).isEqualTo(event);
            c.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
            assertThat(c.read().status()).isEqualTo(202);
        }
    }

    @Test
    void closing_the_server_closes_its_connections() throws Exception {
        try (Client idle = connect();
                Client waiting = connect()) {
            api.keepNext = true;
            waiting.send("GET " + NEXT + " HTTP/1.1\r\n\r\n");
            api.awaitKept();
            idle.send("POST " + RESPONSE + " HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}");
            assertThat(idle.read().status()).isEqualTo(202);

            server.close();

            assertThat(idle.atEnd()).as("a connection between requests").isTrue();
            assertThat(waiting.atEnd()).as("a connection whose /next is kept").isTrue();
        }
    }

    @Test
    void an_abandoned_next_closes_the_connection_unanswered() throws Exception {
        api.keepNext = true;
        try (Client c = connect()) {
            c.send("GET " + NEXT + " HTTP/1.1\r\n\r\n");
            WaitingNext kept = api.awaitKept();
            kept.abandon();
            assertThat(c.atEnd()).isTrue();
            assertThat(kept.answer(api.event())).isFalse();
        }
    }

    @Test
    void a_kept_http_1_0_next_ends_the_connection_after_its_answer() throws Exception {
        api.keepNext = true;
        try (Client c = connect()) {
            c.send("GET " + NEXT + " HTTP/1.0\r\n\r\n");
            api.awaitKept().answer(api.event());
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(c.atEnd()).isTrue();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private Client connect() throws IOException {
        String[] hostPort = server.address().split(":");
        Socket s = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        return new Client(s);
    }

    /** Records each call as one line: operation, request id, error type, body. */
    static final class Recorder implements RuntimeApi {
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile byte[] event = "{\"event\":1}".getBytes(StandardCharsets.UTF_8);
        volatile int lastBodyLength;

        /** When set, {@code /next} is kept (as an instance with no work keeps it) instead of answered. */
        volatile boolean keepNext;

        final BlockingQueue<WaitingNext> kept = new LinkedBlockingQueue<>();

        Response event() {
            return new Response(
                    200,
                    "application/json",
                    event,
                    "Lambda-Runtime-Aws-Request-Id",
                    ID,
                    "Lambda-Runtime-Deadline-Ms",
                    "1234",
                    "Lambda-Runtime-Client-Context",
                    null);
        }

        WaitingNext awaitKept() throws InterruptedException {
            WaitingNext w = kept.poll(10, TimeUnit.SECONDS);
            assertThat(w).as("a kept /next").isNotNull();
            return w;
        }

        @Override
        public Response next(WaitingNext request) {
            calls.add("next");
            if (keepNext) {
                kept.add(request);
                return Response.LATER;
            }
            return event();
        }

        @Override
        public Response response(String requestId, byte[] body) {
            lastBodyLength = body.length;
            calls.add("response " + requestId + " "
                    + (body.length > 100 ? body.length : new String(body, StandardCharsets.UTF_8)));
            return Response.accepted();
        }

        @Override
        public Response error(String requestId, String errorType, byte[] body) {
            calls.add("error " + requestId + " " + errorType + " " + new String(body, StandardCharsets.UTF_8));
            return Response.accepted();
        }

        @Override
        public Response responseTooLarge(String requestId) {
            calls.add("responseTooLarge " + requestId);
            return Response.json(
                    413,
                    RuntimeApi.errorBody(
                            "RequestEntityTooLarge",
                            "Exceeded maximum allowed payload size (" + RuntimeApiServer.MAX_BODY + " bytes)."));
        }

        @Override
        public Response initError(String errorType, byte[] body) {
            calls.add("initError " + errorType + " " + new String(body, StandardCharsets.UTF_8));
            return Response.accepted();
        }
    }

    record Reply(String statusLine, Map<String, String> headers, byte[] bytes) {
        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            return headers.get(name);
        }

        String body() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** A raw HTTP/1.1 client: writes bytes as given, reads answers framed by Content-Length. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Client(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        void send(String s) throws IOException {
            send(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        void send(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c == -1) {
                    throw new IOException("end of stream in a line: " + line);
                }
                line.write(c);
            }
            String s = line.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        Reply read() throws IOException {
            String statusLine = readLine();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            return new Reply(statusLine, headers, body);
        }

        /** Whether nothing arrives within 200 ms (and the connection is still open). */
        boolean nothingMore() throws IOException {
            socket.setSoTimeout(200);
            try {
                in.read(); // a byte, or the end of the stream
                return false;
            } catch (SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(10_000);
            }
        }

        /** Whether the server closed the connection (with nothing more to read). */
        boolean atEnd() throws IOException {
            try {
                return in.read() == -1;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
