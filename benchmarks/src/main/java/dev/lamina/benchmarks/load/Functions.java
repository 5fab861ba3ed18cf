package dev.lamina.benchmarks.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

/** The no-op functions the benchmark deploys, one per runtime, as deployment zips. */
final class Functions {

    /**
     * One runtime under test.
     *
     * @param id the Lambda runtime identifier
     * @param label a short name for tables
     * @param handler the handler setting
     * @param zip the deployment package
     * @param description what the function is
     * @param binary a custom runtime's compiled bootstrap on this host, for its bare floors; else null
     */
    record Fn(String id, String label, String handler, byte[] zip, String description, Path binary) {
        String name() {
            return "bench-" + label.toLowerCase(java.util.Locale.ROOT);
        }
    }

    private Functions() {}

    static Fn python() throws IOException {
        return new Fn(
                "python3.12",
                "Python",
                "lambda_function.handler",
                zip(Map.of("lambda_function.py", "def handler(event, context):\n    return {}\n"), Map.of()),
                "`def handler(event, context): return {}`",
                null);
    }

    /** A Python function that answers its instance's log stream, to count the instances that served a burst. */
    static Fn pythonStream() throws IOException {
        return new Fn(
                "python3.12",
                "Scale",
                "lambda_function.handler",
                zip(
                        Map.of(
                                "lambda_function.py",
                                "def handler(event, context):\n    return context.log_stream_name\n"),
                        Map.of()),
                "answers its log stream name",
                null);
    }

    static Fn node() throws IOException {
        return new Fn(
                "nodejs20.x",
                "Node",
                "index.handler",
                zip(Map.of("index.mjs", "export const handler = async () => ({});\n"), Map.of()),
                "`export const handler = async () => ({})`",
                null);
    }

    /** The Java example zip built by examples/java, or null when it has not been built. */
    static Fn java(Path repo) throws IOException {
        Path zip = repo.resolve("examples/java/target/java-functions.zip");
        if (!Files.isRegularFile(zip)) {
            return null;
        }
        return new Fn(
                "java21",
                "Java",
                "example.StringResult::handleRequest",
                Files.readAllBytes(zip),
                "examples/java `example.StringResult::handleRequest` (returns \"hello\"), AWS's Java runtime client",
                null);
    }

    /**
     * A custom runtime: a static C binary that speaks the Runtime API (benchmarks/src/main/resources), compiled with
     * gcc here; where gcc cannot, the README's sh + curl bootstrap.
     */
    static Fn custom(Path work) throws IOException, InterruptedException {
        Path src = work.resolve("bootstrap.c");
        try (InputStream in = Functions.class.getResourceAsStream("/benchmarks/bootstrap.c")) {
            Files.write(src, in.readAllBytes());
        }
        Path bin = work.resolve("bootstrap");
        for (List<String> cmd : List.of(
                List.of("gcc", "-O2", "-static", "-o", bin.toString(), src.toString()),
                List.of("gcc", "-O2", "-o", bin.toString(), src.toString()))) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return new Fn(
                            "provided.al2023",
                            "Custom",
                            "none",
                            zip(Map.of(), Map.of("bootstrap", Files.readAllBytes(bin))),
                            "a static C `bootstrap` (" + (cmd.contains("-static") ? "static" : "dynamic")
                                    + ", benchmarks/src/main/resources/benchmarks/bootstrap.c)",
                            bin);
                }
            } catch (IOException e) {
                // no gcc: fall back below
            }
        }
        String sh = "#!/bin/sh\nset -eu\napi=\"http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime\"\n"
                + "while true; do\n  h=\"$(mktemp)\"\n  curl -sS -D \"$h\" -o /dev/null \"$api/invocation/next\"\n"
                + "  id=\"$(grep -i '^Lambda-Runtime-Aws-Request-Id:' \"$h\" | cut -d: -f2 | tr -d '[:space:]')\"\n"
                + "  rm -f \"$h\"\n  curl -sS -o /dev/null -X POST \"$api/invocation/$id/response\" -d '{}'\ndone\n";
        return new Fn(
                "provided.al2023",
                "Custom",
                "none",
                zip(Map.of(), Map.of("bootstrap", sh.getBytes(StandardCharsets.UTF_8))),
                "sh + curl `bootstrap` (gcc not available)",
                null);
    }

    /** A zip of text files (mode 644) and executables (mode 755). */
    static byte[] zip(Map<String, String> files, Map<String, byte[]> executables) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(bytes)) {
            for (var e : files.entrySet()) {
                put(z, e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8), 0100644);
            }
            for (var e : executables.entrySet()) {
                put(z, e.getKey(), e.getValue(), 0100755);
            }
        }
        return bytes.toByteArray();
    }

    private static void put(ZipArchiveOutputStream z, String name, byte[] data, int mode) throws IOException {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setUnixMode(mode);
        entry.setSize(data.length);
        z.putArchiveEntry(entry);
        z.write(data);
        z.closeArchiveEntry();
    }
}
