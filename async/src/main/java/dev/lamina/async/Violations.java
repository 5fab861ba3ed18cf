package dev.lamina.async;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.util.List;

/** AWS's {@code ValidationException} for model constraint violations, all reported at once. */
final class Violations {

    private Violations() {}

    static String of(Object value, String field, String constraint) {
        return "Value " + (value == null ? "null" : "'" + value + "'") + " at '" + field
                + "' failed to satisfy constraint: " + constraint;
    }

    static void range(Integer value, String field, int min, int max, List<String> into) {
        if (value != null && value < min) {
            into.add(of(value, field, "Member must have value greater than or equal to " + min));
        } else if (value != null && value > max) {
            into.add(of(value, field, "Member must have value less than or equal to " + max));
        }
    }

    static String message(List<String> violations) {
        String count = violations.size() == 1
                ? "1 validation error detected: "
                : violations.size() + " validation errors detected: ";
        return count + String.join("; ", violations);
    }

    static void check(List<String> violations) {
        if (!violations.isEmpty()) {
            throw new LambdaException(ErrorCode.VALIDATION, message(violations));
        }
    }
}
