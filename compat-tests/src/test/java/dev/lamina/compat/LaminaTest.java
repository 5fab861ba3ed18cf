package dev.lamina.compat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts one {@link dev.lamina.server.LaminaServer} for the annotated test class (port 0, a fresh
 * data directory) and injects a {@link Lamina} handle into test and lifecycle methods.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(LaminaExtension.class)
public @interface LaminaTest {

    /**
     * How long an idle instance is kept warm; 0 keeps the default of {@code ServerConfig.forTests}.
     * Classes that assert on warm reuse set this well above the gaps between their invocations.
     */
    int keepAliveSeconds() default 0;
}
