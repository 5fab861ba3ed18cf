package dev.lamina.engine.runtime;

/** How a runtime's instances are started. */
public enum RuntimeFamily {
    PYTHON,
    NODEJS,
    JAVA,
    /** A custom runtime: the function's own {@code bootstrap} executable. */
    PROVIDED
}
