package dev.lamina.api;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import dev.lamina.engine.invoke.Throttled;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty handler in front of every operation: decodes the HTTP request, finds the route, runs the operation on
 * this (virtual) thread, and writes the answer. Every answer carries {@code x-amzn-RequestId}; every failure goes
 * through {@link ErrorResponses}.
 */
public final class LambdaApiHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(LambdaApiHandler.class);

    /** The largest body read: a 50 MB zip, base64-encoded in JSON, with room to spare. */
    static final long MAX_BODY = 80L * 1024 * 1024;

    private final Routes routes;

    public LambdaApiHandler(ApiContext ctx) {
        this.routes = new Routes(ctx);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String requestId = UUID.randomUUID().toString();
        ApiResponse answer;
        try {
            answer = dispatch(request, requestId);
        } catch (LambdaException e) {
            answer = ErrorResponses.of(e);
        } catch (Throttled e) {
            answer = ErrorResponses.throttled(e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            log.error(
                    "request {} {} failed",
                    request.getMethod(),
                    request.getHttpURI().getPath(),
                    e);
            answer = ErrorResponses.internal(requestId);
        }
        response.setStatus(answer.status());
        response.getHeaders().put("x-amzn-RequestId", requestId);
        answer.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders().put("Content-Length", answer.body().length);
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
        return true;
    }

    private ApiResponse dispatch(Request request, String requestId) throws Exception {
        String path = request.getHttpURI().getPath();
        Optional<Routes.Match> match = routes.match(request.getMethod(), path);
        if (match.isEmpty()) {
            return ErrorResponses.of(
                    ErrorCode.UNKNOWN_OPERATION, "No operation answers " + request.getMethod() + " " + path);
        }
        long length = request.getLength();
        if (length > MAX_BODY) {
            return ErrorResponses.of(
                    ErrorCode.REQUEST_ENTITY_TOO_LARGE, "Request must be smaller than " + MAX_BODY + " bytes");
        }
        ByteBuffer buffer = Content.Source.asByteBuffer(request);
        byte[] body = new byte[buffer.remaining()];
        buffer.get(body);
        Map<String, String> headers = new HashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.putIfAbsent(field.getLowerCaseName(), field.getValue());
        }
        Map<String, List<String>> query = new HashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field f : fields) {
            query.put(f.getName(), f.getValues());
        }
        String endpoint = request.getHttpURI().getScheme() + "://" + Request.getServerName(request) + ":"
                + Request.getServerPort(request);
        Routes.Match m = match.get();
        return m.operation()
                .handle(new ApiRequest(
                        m.pathParams(),
                        query,
                        headers,
                        body,
                        requestId,
                        endpoint.toLowerCase(Locale.ROOT).startsWith("http") ? endpoint : "http://" + endpoint));
    }
}
