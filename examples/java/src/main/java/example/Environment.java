package example;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;
import java.util.TreeMap;

/** Answers the environment the function sees (System.getenv), and the java.io.tmpdir and user.dir properties. */
public class Environment implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        Map<String, Object> out = new TreeMap<>();
        out.put("env", new TreeMap<>(System.getenv()));
        out.put("tmpdir", System.getProperty("java.io.tmpdir"));
        out.put("userDir", System.getProperty("user.dir"));
        out.put("command", System.getProperty("sun.java.command"));
        return out;
    }
}
