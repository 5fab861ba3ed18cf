package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** The same greeting with Java records as input and output, as AWS's own java17+ samples write handlers. */
public class RecordHello implements RequestHandler<RecordHello.Request, RecordHello.Response> {

    public record Request(String name) {}

    public record Response(String message) {}

    @Override
    public Response handleRequest(Request input, Context context) {
        String name = input == null || input.name() == null ? "world" : input.name();
        return new Response("Hello, " + name + "!");
    }
}
