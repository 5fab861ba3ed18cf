package dev.lamina.runtime.java;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A training run of a pre-started JVM, for its class-data cache: instead of waiting for a function, it hands itself
 * {@link TrainingHandler} and a Runtime API of its own (a minimal HTTP/1.1 server on the loopback), which gives it
 * one invocation that succeeds and one that fails, then ends the JVM (which writes the cache's data at exit).
 */
final class Training {

    static final String FUNCTION = "lamina-prestart-training";

    private final ServerSocket server;
    private final AtomicInteger invocations = new AtomicInteger();

    private Training(ServerSocket server) {
        this.server = server;
    }

    /** Starts the training Runtime API and returns the environment of the training function. */
    static Map<String, String> start() throws IOException {
        Training training = new Training(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        Thread accept = new Thread(training::acceptLoop, "training-runtime-api");
        accept.setDaemon(true);
        accept.start();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin/:/bin:/opt/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", System.getProperty("user.dir"));
        env.put("_HANDLER", TrainingHandler.class.getName() + "::handleRequest");
        env.put("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:" + training.server.getLocalPort());
        env.put("AWS_LAMBDA_FUNCTION_NAME", FUNCTION);
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + FUNCTION);
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "training");
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    private void acceptLoop() {
        try {
            while (true) {
                Socket connection = server.accept();
                Thread serve = new Thread(() -> serve(connection), "training-runtime-api-connection");
                serve.setDaemon(true);
                serve.start();
            }
        } catch (IOException e) {
            System.exit(2);
        }
    }

    private void serve(Socket connection) {
        try (connection;
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream()) {
            while (true) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                int length = 0;
                boolean expectContinue = false;
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    String h = header.toLowerCase(Locale.ROOT);
                    if (h.startsWith("content-length:")) {
                        length = Integer.parseInt(
                                h.substring("content-length:".length()).trim());
                    } else if (h.startsWith("expect:") && h.contains("100-continue")) {
                        expectContinue = true;
                    }
                }
                if (expectContinue) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                in.readNBytes(length);
                if (requestLine.startsWith("GET ") && requestLine.contains("/invocation/next")) {
                    next(out);
                } else {
                    respond(out, 202, "", "{\"status\":\"OK\"}");
                }
            }
        } catch (IOException e) {
            // the runtime went away
        }
    }

    private void next(OutputStream out) throws IOException {
        int n = invocations.incrementAndGet();
        if (n > 2) {
            System.exit(0); // the JVM writes its class-data cache at exit
        }
        String headers = "Lambda-Runtime-Aws-Request-Id: training-" + n + "\r\n"
                + "Lambda-Runtime-Deadline-Ms: " + (System.currentTimeMillis() + 60_000) + "\r\n"
                + "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:" + FUNCTION
                + "\r\n"
                + "Lambda-Runtime-Trace-Id: Root=1-00000000-000000000000000000000000;Sampled=0\r\n";
        respond(out, 200, headers, n == 1 ? "{\"name\":\"training\",\"count\":1}" : "{\"name\":\"fail\"}");
    }

    private static void respond(OutputStream out, int status, String headers, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Accepted") + "\r\n" + headers
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.US_ASCII);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }
}
