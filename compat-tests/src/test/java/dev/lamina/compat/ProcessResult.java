package dev.lamina.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/** The outcome of a child process (AWS CLI, python3). */
public record ProcessResult(List<String> command, int exitCode, String stdout, String stderr) {

    /** Environment variables of the parent that would point a child at real AWS or a profile. */
    private static final List<String> SCRUBBED = List.of(
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_LAMBDA",
            "AWS_CA_BUNDLE",
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI");

    public static ProcessResult run(Map<String, String> env, Duration timeout, String... command) {
        try {
            Path out = Files.createTempFile("lamina-proc-", ".out");
            Path err = Files.createTempFile("lamina-proc-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command);
                SCRUBBED.forEach(pb.environment()::remove);
                pb.environment().putAll(env);
                pb.redirectInput(
                        ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
                pb.redirectOutput(out.toFile());
                pb.redirectError(err.toFile());
                Process process = pb.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
                            + "; stderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
                }
                return new ProcessResult(
                        List.of(command),
                        process.exitValue(),
                        Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Fails with the whole transcript unless the process exited 0. */
    public ProcessResult assertSuccess() {
        if (exitCode != 0) {
            throw new AssertionError(this.toString());
        }
        return this;
    }

    public JsonNode json() {
        return Json.parse(stdout);
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n→ exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
}
