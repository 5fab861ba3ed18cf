package dev.lamina.benchmarks.hotpath;

import dev.lamina.engine.EngineConfig;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * Builds an {@link EngineConfig} by component name, so that the benchmark keeps compiling when the record gains a
 * component; a component it has no value for fails the benchmark's setup with a message naming it.
 */
public final class EngineConfigs {

    private EngineConfigs() {}

    public static EngineConfig of(Map<String, Object> values) {
        RecordComponent[] components = EngineConfig.class.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] args = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            types[i] = components[i].getType();
            if (!values.containsKey(name)) {
                throw new IllegalStateException("EngineConfig has a component '" + name
                        + "' that the benchmark does not know: give it a value in InvokeHotPathBenchmark");
            }
            args[i] = values.get(name);
        }
        try {
            return EngineConfig.class.getDeclaredConstructor(types).newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build an EngineConfig", e);
        }
    }
}
