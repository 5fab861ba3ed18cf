package dev.lamina.controlplane;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects constraint violations of one request and reports them all at once, in AWS's words:
 * {@code 1 validation error detected: Value '1200' at 'timeout' failed to satisfy constraint: Member must have value
 * less than or equal to 900}.
 */
final class Validation {

    private final List<String> errors = new ArrayList<>();

    Validation range(Integer value, String field, int min, int max) {
        if (value != null && value < min) {
            errors.add(violation(value, field, "Member must have value greater than or equal to " + min));
        } else if (value != null && value > max) {
            errors.add(violation(value, field, "Member must have value less than or equal to " + max));
        }
        return this;
    }

    Validation pattern(String value, String field, Pattern pattern) {
        if (value != null && !pattern.matcher(value).matches()) {
            errors.add(violation(value, field, "Member must satisfy regular expression pattern: " + pattern.pattern()));
        }
        return this;
    }

    Validation length(String value, String field, int min, int max) {
        if (value != null && value.length() < min) {
            errors.add(violation(value, field, "Member must have length greater than or equal to " + min));
        } else if (value != null && value.length() > max) {
            errors.add(violation(value, field, "Member must have length less than or equal to " + max));
        }
        return this;
    }

    Validation required(Object value, String field) {
        if (value == null) {
            errors.add(violation(null, field, "Member must not be null"));
        }
        return this;
    }

    Validation oneOf(String value, String field, List<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            errors.add(violation(value, field, "Member must satisfy enum value set: " + allowed));
        }
        return this;
    }

    void check() {
        if (!errors.isEmpty()) {
            String count = errors.size() == 1
                    ? "1 validation error detected: "
                    : errors.size() + " validation errors detected: ";
            throw new LambdaException(ErrorCode.VALIDATION, count + String.join("; ", errors));
        }
    }

    private static String violation(Object value, String field, String constraint) {
        return "Value " + (value == null ? "null" : "'" + value + "'") + " at '" + field
                + "' failed to satisfy constraint: " + constraint;
    }
}
