package dev.lamina.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test functions under {@code src/test/resources/functions} and the examples/java zip. */
public final class Fixtures {

  public static final String ROLE = "arn:aws:iam::000000000000:role/lambda-role";
  public static final String PYTHON = "python3.12";
  public static final String NODE = "nodejs20.x";
  public static final String JAVA = "java21";
  public static final String PROVIDED = "provided.al2023";
  public static final String PY_HANDLER = "lambda_function.handler";
  public static final String NODE_HANDLER = "index.handler";

  private Fixtures() {}

  /** The folder of a fixture, e.g. {@code dir("python/echo")}. */
  public static Path dir(String fixture) {
    URL url = Fixtures.class.getResource("/functions/" + fixture);
    if (url == null) {
      throw new IllegalStateException("no fixture functions/" + fixture + " on the test class path");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The zipped fixture, e.g. {@code zip("nodejs/echo")}. */
  public static byte[] zip(String fixture) {
    return Zips.zip(dir(fixture));
  }

  public static byte[] python(String name) {
    return zip("python/" + name);
  }

  public static byte[] node(String name) {
    return zip("nodejs/" + name);
  }

  public static byte[] provided(String name) {
    return zip("provided/" + name);
  }

  /** The bytes of a file under src/test/resources, e.g. {@code resource("scripts/x.py")}. */
  public static Path resource(String path) {
    URL url = Fixtures.class.getResource("/" + path);
    if (url == null) {
      throw new IllegalStateException("no resource " + path);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * examples/java/target/java-functions.zip, built by the examples/java module's package phase
   * (override with -Dlamina.javaFunctionsZip=...).
   */
  public static byte[] javaFunctions() {
    String override = System.getProperty("lamina.javaFunctionsZip");
    Path zip = override != null ? Path.of(override) : locateJavaZip();
    try {
      return Files.readAllBytes(zip);
    } catch (IOException e) {
      throw new UncheckedIOException("read " + zip + " (build it with ./mvnw -pl examples/java package)", e);
    }
  }

  private static Path locateJavaZip() {
    Path rel = Path.of("examples", "java", "target", "java-functions.zip");
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(rel))) {
        return dir.resolve(rel);
      }
    }
    throw new IllegalStateException("no " + rel + " above " + Path.of("").toAbsolutePath()
        + "; build it with ./mvnw -pl examples/java package");
  }
}
