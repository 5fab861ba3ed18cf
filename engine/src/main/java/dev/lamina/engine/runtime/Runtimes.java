package dev.lamina.engine.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The runtimes this host can serve, and the interpreter each runs on.
 *
 * <p>Lamina does not ship interpreters: each managed runtime identifier maps to an interpreter installed here. All
 * Python identifiers run on the {@code python3} found, all Node.js identifiers on the {@code node} found; Java
 * identifiers run on the JDK of that major version when present, else the next newer one, and identifiers older than
 * every JDK here on the oldest. A mapping can be set per identifier (setting {@code runtime.<id>=<executable>}), and
 * an identifier with no interpreter is refused with a message that names that setting.
 */
public final class Runtimes {

    /** Every runtime identifier Lamina knows, in AWS's spelling, with its family. */
    public static final Map<String, RuntimeFamily> KNOWN = known();

    private final Map<String, Path> interpreters;

    private Runtimes(Map<String, Path> interpreters) {
        this.interpreters = interpreters;
    }

    private static Map<String, RuntimeFamily> known() {
        Map<String, RuntimeFamily> ids = new LinkedHashMap<>();
        for (String v : List.of("3.9", "3.10", "3.11", "3.12", "3.13", "3.14")) {
            ids.put("python" + v, RuntimeFamily.PYTHON);
        }
        for (String v : List.of("18", "20", "22", "24")) {
            ids.put("nodejs" + v + ".x", RuntimeFamily.NODEJS);
        }
        for (String v : List.of("java8.al2", "java11", "java17", "java21", "java25")) {
            ids.put(v, RuntimeFamily.JAVA);
        }
        ids.put("provided.al2", RuntimeFamily.PROVIDED);
        ids.put("provided.al2023", RuntimeFamily.PROVIDED);
        return Map.copyOf(ids);
    }

    /**
     * Finds the interpreters on this host.
     *
     * @param overrides runtime identifier → interpreter executable, from the settings; they win over discovery
     */
    public static Runtimes discover(Map<String, String> overrides) {
        Map<String, Path> found = new TreeMap<>();
        Optional<Path> python = firstExecutable("/usr/bin/python3", "/usr/local/bin/python3");
        Optional<Path> node = firstExecutable("/usr/bin/node", "/usr/local/bin/node");
        TreeMap<Integer, Path> jdks = findJdks();
        for (Map.Entry<String, RuntimeFamily> e : KNOWN.entrySet()) {
            String id = e.getKey();
            Optional<Path> interpreter = switch (e.getValue()) {
                case PYTHON -> python;
                case NODEJS -> node;
                case JAVA -> javaFor(id, jdks);
                case PROVIDED -> Optional.of(Path.of("/var/task/bootstrap"));
            };
            interpreter.ifPresent(path -> found.put(id, path));
        }
        overrides.forEach((id, path) -> found.put(id, Path.of(path)));
        return new Runtimes(found);
    }

    private static Optional<Path> firstExecutable(String... candidates) {
        return Stream.of(candidates).map(Path::of).filter(Files::isExecutable).findFirst();
    }

    /** Major version → java executable, for the JDKs under /usr/lib/jvm (and JAVA_HOME). */
    static TreeMap<Integer, Path> findJdks() {
        TreeMap<Integer, Path> jdks = new TreeMap<>();
        List<Path> homes = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(homes::add);
        } catch (IOException e) {
            // no JDKs in the usual place
        }
        homes.add(Path.of(System.getProperty("java.home")));
        for (Path home : homes) {
            Path java = home.resolve("bin/java");
            Path release = home.resolve("release");
            if (!Files.isExecutable(java) || !Files.isRegularFile(release)) {
                continue;
            }
            try (var reader = Files.newBufferedReader(release)) {
                Properties p = new Properties();
                p.load(reader);
                String version = p.getProperty("JAVA_VERSION", "").replace("\"", "");
                String major = version.startsWith("1.") ? version.substring(2, 3) : version.split("[.\\-+]")[0];
                jdks.putIfAbsent(Integer.parseInt(major), java.toRealPath());
            } catch (IOException | NumberFormatException e) {
                // not a JDK we can read
            }
        }
        return jdks;
    }

    static Optional<Path> javaFor(String id, TreeMap<Integer, Path> jdks) {
        if (jdks.isEmpty()) {
            return Optional.empty();
        }
        int wanted = Integer.parseInt(id.replaceAll("[^0-9]", "").replaceFirst("^8$", "8"));
        Map.Entry<Integer, Path> atLeast = jdks.ceilingEntry(wanted);
        return Optional.of(
                atLeast != null ? atLeast.getValue() : jdks.lastEntry().getValue());
    }

    public static Optional<RuntimeFamily> family(String runtimeId) {
        return Optional.ofNullable(KNOWN.get(runtimeId));
    }

    /** The interpreter for a runtime identifier, if this host can serve it. */
    public Optional<Path> interpreter(String runtimeId) {
        return Optional.ofNullable(interpreters.get(runtimeId));
    }

    /** Why this host cannot serve {@code runtimeId}, or empty when it can. */
    public Optional<String> unsupportedReason(String runtimeId) {
        if (!KNOWN.containsKey(runtimeId)) {
            return Optional.of("The runtime parameter of " + runtimeId + " is not supported by Lamina. Supported: "
                    + String.join(", ", new TreeMap<>(KNOWN).keySet()) + ".");
        }
        if (interpreters.containsKey(runtimeId)) {
            return Optional.empty();
        }
        String setting = "LAMINA_RUNTIME_" + runtimeId.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return Optional.of("The runtime " + runtimeId + " has no interpreter on this Lamina host. Install one, or map "
                + "the runtime to an installed interpreter with the setting " + setting + "=/path/to/executable "
                + "(or --runtime " + runtimeId + "=/path/to/executable).");
    }

    /** A readable line per runtime: which interpreter serves it. */
    public Map<String, Path> served() {
        return Map.copyOf(interpreters);
    }
}
