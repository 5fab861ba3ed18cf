package dev.lamina.api.platform;

import dev.lamina.api.ApiContext;
import dev.lamina.api.ApiRequest;
import dev.lamina.api.ApiResponse;
import dev.lamina.api.Operation;
import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /_lamina/code/{sha256}.zip}: the deployment package GetFunction's Code.Location points at. */
public record DownloadCode(ApiContext ctx) implements Operation {
    @Override
    public ApiResponse handle(ApiRequest request) {
        String sha = request.path("sha");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw new LambdaException(ErrorCode.RESOURCE_NOT_FOUND, "No such code: " + sha);
        }
        Path blob = ctx.functions().codeBlob(sha);
        if (!Files.exists(blob)) {
            throw new LambdaException(ErrorCode.RESOURCE_NOT_FOUND, "No such code: " + sha);
        }
        try {
            Map<String, String> headers = new LinkedHashMap<>(Map.of("Content-Type", "application/zip"));
            return new ApiResponse(200, headers, Files.readAllBytes(blob));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
