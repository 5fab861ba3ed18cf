package dev.lamina.runtime.java;

import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.api.client.runtimeapi.JniHelper;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entry point of a pre-started JVM: a Java instance started before Lamina knows its function, which takes the
 * function over later and then runs exactly as {@code java ... AWSLambda <handler>} would have.
 *
 * <ol>
 *   <li>Warms what does not depend on the function: the client's serialization (shaded Jackson, a round trip of a
 *       POJO, a map and a string), its native library, the classes of its invoke path, {@code java.security.Security},
 *       the means to replace the environment ({@link Environ}: JDK 21+). It never touches the classes that read the
 *       environment when they are initialised ({@code AWSLambda}, {@code LambdaEnvironment}), nor {@code
 *       java.lang.ProcessEnvironment}.
 *   <li>Reads its standard input until EOF: the function's whole environment, {@code NAME=VALUE} entries each ended by
 *       a NUL byte, UTF-8. No data at all: exits 0 without a word (the instance was not needed).
 *   <li>Makes those entries the process environment ({@link Environ}), sets {@code sun.java.command} as a normal
 *       start has it, and calls {@code AWSLambda.main(_HANDLER)} on the main thread.
 * </ol>
 *
 * <p>With {@code --train} it hands itself a training function instead of reading standard input ({@link Training}),
 * to record the generic class-data cache of pre-started JVMs.
 */
public final class Prestart {

    static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private Prestart() {}

    public static void main(String[] args) throws Throwable {
        boolean train = args.length > 0 && args[0].equals("--train");
        Environ environ;
        try {
            environ = Environ.prepare();
        } catch (Throwable e) {
            System.err.println("lamina prestart: this JVM cannot replace its environment (JDK 21+ with"
                    + " --enable-native-access=ALL-UNNAMED is needed): " + e);
            System.exit(1);
            return;
        }
        warm();
        Map<String, String> env;
        if (train) {
            env = Training.start();
        } else {
            byte[] assignment = System.in.readAllBytes();
            if (assignment.length == 0) {
                System.exit(0);
            }
            env = parse(assignment);
        }
        String handler = env.get("_HANDLER");
        if (handler == null || handler.isEmpty()) {
            System.err.println("lamina prestart: no _HANDLER in the environment handed over");
            System.exit(1);
        }
        environ.replace(env);
        System.setProperty("sun.java.command", RIC_MAIN + " " + handler);
        AWSLambda.main(new String[] {handler});
    }

    /** {@code NAME=VALUE} entries, each ended by a NUL byte (the last one's NUL may be missing). */
    static Map<String, String> parse(byte[] data) {
        Map<String, String> env = new LinkedHashMap<>();
        String all = new String(data, StandardCharsets.UTF_8);
        int start = 0;
        while (start < all.length()) {
            int end = all.indexOf('\0', start);
            if (end < 0) {
                end = all.length();
            }
            int eq = all.indexOf('=', start);
            if (eq > start && eq < end) {
                env.put(all.substring(start, eq), all.substring(eq + 1, end));
            }
            start = end + 1;
        }
        return env;
    }

    /** Everything that can be done before the function is known (measured: each step shortens the hand-over). */
    static void warm() throws Throwable {
        warmSerialization();
        // Unpacks the client's native library into /tmp and loads it; the client unpacks it again at hand-over
        // (the same file), but the library is then loaded already.
        JniHelper.load();
        warmClasses();
        // Loads java.security and its logger as AWSLambda's initialisation does, with the property's own value.
        String disabled = "jdk.tls.disabledAlgorithms";
        Security.setProperty(disabled, Security.getProperty(disabled));
        // Links a string concatenation of the usual shape, as handlers write them ("Hello, " + name + "!").
        warmedConcatenation = "prestart " + disabled + "!";
    }

    @SuppressWarnings("unused")
    private static volatile String warmedConcatenation;

    private static void warmSerialization() throws IOException {
        JacksonFactory jackson = JacksonFactory.getInstance();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PojoSerializer<Probe> pojo = jackson.getSerializer(Probe.class);
        pojo.toJson(pojo.fromJson("{\"name\":\"prestart\",\"count\":1}"), out);
        PojoSerializer<Object> map = jackson.getSerializer(mapType());
        map.toJson(map.fromJson("{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":1.5}}"), out);
        PojoSerializer<Object> string = jackson.getSerializer((Type) String.class);
        string.toJson(string.fromJson("\"prestart\""), out);
        LambdaEventSerializers.isLambdaSupportedEvent(Probe.class.getName());
    }

    private static Type mapType() {
        try {
            return Probe.class.getDeclaredMethod("getAttributes").getGenericReturnType();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Initialises classes of the client's start and invoke paths whose initialisation reads no environment. */
    private static void warmClasses() throws ClassNotFoundException {
        ClassLoader loader = Prestart.class.getClassLoader();
        String client = "com.amazonaws.services.lambda.runtime.api.client.";
        for (String name : new String[] {
            client + "EventHandlerLoader",
            client + "HandlerInfo",
            client + "CustomerClassLoader",
            client + "UserFault",
            client + "LambdaRequestHandler$UserFaultHandler",
            client + "logging.LambdaContextLogger",
            client + "logging.TextLogFormatter",
            client + "logging.StdOutLogSink",
            client + "util.LambdaOutputStream",
            client + "util.UnsafeUtil",
            client + "util.ConcurrencyConfig",
            client + "runtimeapi.LambdaRuntimeApiClientImpl",
            client + "runtimeapi.dto.InvocationRequest",
            client + "api.LambdaContext",
            "com.amazonaws.services.lambda.runtime.LambdaRuntime",
            "com.amazonaws.services.lambda.runtime.LambdaRuntimeInternal",
            "com.amazonaws.services.lambda.runtime.logging.LogLevel",
            "com.amazonaws.services.lambda.runtime.logging.LogFormat",
            "software.amazon.awssdk.utilslite.SdkInternalThreadLocal",
        }) {
            Class.forName(name, true, loader);
        }
    }

    /** A POJO for the serialization warm-up and the training function. */
    public static final class Probe {
        private String name;
        private int count;
        private Map<String, Object> attributes;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public int getCount() {
            return count;
        }

        public void setCount(int count) {
            this.count = count;
        }

        public Map<String, Object> getAttributes() {
            return attributes;
        }

        public void setAttributes(Map<String, Object> attributes) {
            this.attributes = attributes;
        }
    }
}
