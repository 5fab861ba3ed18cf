package dev.lamina.async;

import dev.lamina.controlplane.ErrorCode;
import dev.lamina.controlplane.LambdaException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code FunctionName} parameter of the event invoke config operations (a name, a partial or full ARN, with an
 * optional {@code :qualifier}) and the {@code Qualifier} query parameter, checked against botocore's model.
 *
 * @param name the bare function name
 * @param qualifier the version or alias named, or null
 */
record FunctionRef(String name, String qualifier) {

    static final String NAME_PATTERN =
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?"
                    + "(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";
    static final String QUALIFIER_PATTERN = "\\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+";

    private static final Pattern NAME = Pattern.compile(
            "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?"
                    + "(?<name>[a-zA-Z0-9-_\\.]+)(:(?<qualifier>\\$LATEST(\\.PUBLISHED)?|[a-zA-Z0-9-_]+))?");
    private static final Pattern QUALIFIER = Pattern.compile(QUALIFIER_PATTERN);

    /** Parses and checks; constraint violations are added to {@code violations} (and null is answered). */
    static FunctionRef parse(String param, String qualifierParam, List<String> violations) {
        int before = violations.size();
        if (param == null) {
            violations.add(Violations.of(null, "functionName", "Member must not be null"));
        } else if (param.isEmpty()) {
            violations.add(Violations.of(param, "functionName", "Member must have length greater than or equal to 1"));
        } else if (param.length() > 256) {
            violations.add(Violations.of(param, "functionName", "Member must have length less than or equal to 256"));
        }
        Matcher m = param == null ? null : NAME.matcher(param);
        if (m != null && !param.isEmpty() && !m.matches()) {
            violations.add(Violations.of(
                    param, "functionName", "Member must satisfy regular expression pattern: " + NAME_PATTERN));
        }
        if (qualifierParam != null) {
            if (qualifierParam.isEmpty()) {
                violations.add(Violations.of(
                        qualifierParam, "qualifier", "Member must have length greater than or equal to 1"));
            } else if (qualifierParam.length() > 128) {
                violations.add(Violations.of(
                        qualifierParam, "qualifier", "Member must have length less than or equal to 128"));
            } else if (!QUALIFIER.matcher(qualifierParam).matches()) {
                violations.add(Violations.of(
                        qualifierParam,
                        "qualifier",
                        "Member must satisfy regular expression pattern: " + QUALIFIER_PATTERN));
            }
        }
        if (violations.size() > before) {
            return null;
        }
        String name = m.group("name");
        String derived = m.group("qualifier");
        if (derived != null && qualifierParam != null && !derived.equals(qualifierParam)) {
            throw LambdaException.invalidParameter(
                    "The derived qualifier from the function name does not match the specified qualifier.");
        }
        if (name.length() > 64 && !param.startsWith("arn:")) {
            throw new LambdaException(
                    ErrorCode.VALIDATION,
                    Violations.message(List.of(
                            Violations.of(param, "functionName", "Member must have length less than or equal to 64"))));
        }
        return new FunctionRef(name, derived != null ? derived : qualifierParam);
    }

    static FunctionRef parse(String param, String qualifierParam) {
        List<String> violations = new ArrayList<>();
        FunctionRef ref = parse(param, qualifierParam, violations);
        Violations.check(violations);
        return ref;
    }

    /** {@code $LATEST} for the unqualified function, else the qualifier. */
    String qualifierOrLatest() {
        return qualifier != null ? qualifier : "$LATEST";
    }
}
