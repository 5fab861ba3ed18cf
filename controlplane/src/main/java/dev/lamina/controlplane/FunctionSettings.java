package dev.lamina.controlplane;

import java.util.List;
import java.util.Map;

/**
 * The configurable settings of a function as a request gives them; null means "not given" (keep the current value
 * on update, take AWS's default on create).
 */
public record FunctionSettings(
        String runtime,
        String handler,
        String role,
        String description,
        Integer memorySize,
        Integer timeout,
        Integer ephemeralStorage,
        List<String> architectures,
        Map<String, String> environment,
        String logFormat) {}
