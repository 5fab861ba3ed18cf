package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;

/** {"name": "x"} -> {"message": "Hello, x!"} ("world" when name is absent). Uses POJOs, not records. */
public class Hello implements RequestHandler<Hello.Request, Hello.Response> {

    @Override
    public Response handleRequest(Request input, Context context) {
        String name = input == null || input.getName() == null ? "world" : input.getName();
        return new Response("Hello, " + name + "!");
    }

    public static class Request {
        private String name;

        public Request() {}

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }

    public static class Response {
        private String message;

        public Response() {}

        public Response(String message) {
            this.message = message;
        }

        public String getMessage() {
            return message;
        }

        public void setMessage(String message) {
            this.message = message;
        }
    }
}
