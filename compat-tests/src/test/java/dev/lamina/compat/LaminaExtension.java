package dev.lamina.compat;

import dev.lamina.server.ServerConfig;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** One server per test class; see {@link LaminaTest}. */
public final class LaminaExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(LaminaExtension.class);
    private static final String KEY = "lamina";

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path dataDir = Files.createTempDirectory("lamina-compat-");
        ServerConfig config = ServerConfig.forTests(dataDir);
        LaminaTest settings = context.getRequiredTestClass().getAnnotation(LaminaTest.class);
        if (settings != null && settings.keepAliveSeconds() > 0) {
            config = config.withKeepAlive(Duration.ofSeconds(settings.keepAliveSeconds()));
        }
        context.getStore(NS).put(KEY, Lamina.start(config, dataDir));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Lamina lamina = context.getStore(NS).remove(KEY, Lamina.class);
        if (lamina != null) {
            lamina.close();
            deleteRecursively(lamina.dataDir());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Lamina.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NS).get(KEY, Lamina.class);
    }

    /**
     * Best effort: instance folders may still be going away when close() has returned, so files that vanish during
     * the walk are skipped, and the walk is tried again.
     */
    private static void deleteRecursively(Path dir) throws IOException {
        for (int attempt = 0; attempt < 5 && Files.exists(dir); attempt++) {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) {
                    try {
                        Files.deleteIfExists(d);
                    } catch (IOException notEmptyYet) {
                        // a file appeared meanwhile: the next attempt takes it
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
    }
}
