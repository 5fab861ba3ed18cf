package legacy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.HashMap;
import java.util.Map;

/**
 * {"name": "x"} → {"message": "Hello, x!"}. The tests compile this source with --release 8 (Fixtures.javaRelease8),
 * because the examples/java zip targets Java 25 and so cannot load on the java8.al2, java11 and java17 runtimes.
 */
public class Hello implements RequestHandler<Map<String, Object>, Map<String, String>> {

    @Override
    public Map<String, String> handleRequest(Map<String, Object> input, Context context) {
        Map<String, String> out = new HashMap<>();
        out.put("message", "Hello, " + input.get("name") + "!");
        return out;
    }
}
