package dev.lamina.controlplane;

import dev.lamina.model.Settings;
import dev.lamina.store.Store;
import java.util.UUID;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Resource-based policies of functions (AddPermission, RemovePermission, GetPolicy), kept and returned as AWS's
 * policy document. They are not enforced: Lamina does not authenticate callers yet.
 */
public final class Policies {

    private static final String KIND = "policy";
    private static final Pattern STATEMENT_ID = Pattern.compile("([a-zA-Z0-9-_.]+)");
    private static final Pattern ACTION = Pattern.compile("(lambda:[*]|lambda:[a-zA-Z]+|[*])");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Store store;
    private final Settings settings;
    private final Functions functions;

    public Policies(Store store, Settings settings, Functions functions) {
        this.store = store;
        this.settings = settings;
        this.functions = functions;
    }

    /** What AddPermission takes. */
    public record Permission(
            String statementId,
            String action,
            String principal,
            String sourceArn,
            String sourceAccount,
            String principalOrgId,
            String functionUrlAuthType,
            String eventSourceToken) {}

    /** A policy and its revision. */
    public record Policy(String document, String revisionId) {}

    /** Adds a statement; answers the statement as JSON text, as AddPermission does. */
    public synchronized String add(String nameParam, String qualifier, Permission p, String revisionId) {
        Functions.Entry entry = functions.get(nameParam, qualifier);
        String name = entry.record().functionName();
        new Validation()
                .required(p.statementId(), "statementId")
                .length(p.statementId(), "statementId", 1, 100)
                .pattern(p.statementId(), "statementId", STATEMENT_ID)
                .required(p.action(), "action")
                .pattern(p.action(), "action", ACTION)
                .required(p.principal(), "principal")
                .check();
        String key = qualifier == null ? "" : qualifier;
        ObjectNode policy = load(name, key);
        checkRevision(policy, revisionId);
        ArrayNode statements = (ArrayNode) policy.get("Statement");
        for (JsonNode s : statements) {
            if (s.path("Sid").asString().equals(p.statementId())) {
                throw new LambdaException(
                        ErrorCode.RESOURCE_CONFLICT,
                        "The statement id (" + p.statementId()
                                + ") provided already exists. Please provide a new statement id, or remove the existing"
                                + " statement.");
            }
        }
        ObjectNode statement = statement(p, settings.functionArn(name, qualifier));
        statements.add(statement);
        save(name, key, policy);
        return JSON.writeValueAsString(statement);
    }

    public synchronized void remove(String nameParam, String qualifier, String statementId, String revisionId) {
        String name = functions.get(nameParam, qualifier).record().functionName();
        String key = qualifier == null ? "" : qualifier;
        ObjectNode policy = load(name, key);
        checkRevision(policy, revisionId);
        ArrayNode statements = (ArrayNode) policy.get("Statement");
        for (int i = 0; i < statements.size(); i++) {
            if (statements.get(i).path("Sid").asString().equals(statementId)) {
                statements.remove(i);
                if (statements.isEmpty()) {
                    store.deleteSetting(name, KIND, key);
                } else {
                    save(name, key, policy);
                }
                return;
            }
        }
        throw new LambdaException(
                ErrorCode.RESOURCE_NOT_FOUND, "Statement " + statementId + " is not found in resource policy.");
    }

    public Policy get(String nameParam, String qualifier) {
        String name = functions.get(nameParam, qualifier).record().functionName();
        String doc = store.getSetting(name, KIND, qualifier == null ? "" : qualifier)
                .orElseThrow(() -> new LambdaException(
                        ErrorCode.RESOURCE_NOT_FOUND, "The resource you requested does not exist."));
        ObjectNode stored = (ObjectNode) JSON.readTree(doc);
        String revision = stored.remove("_revisionId").asString();
        return new Policy(JSON.writeValueAsString(stored), revision);
    }

    private ObjectNode load(String name, String key) {
        return store.getSetting(name, KIND, key)
                .map(doc -> (ObjectNode) JSON.readTree(doc))
                .orElseGet(() -> {
                    ObjectNode p = JSON.createObjectNode();
                    p.put("Version", "2012-10-17");
                    p.put("Id", "default");
                    p.putArray("Statement");
                    p.put("_revisionId", "");
                    return p;
                });
    }

    private static void checkRevision(ObjectNode policy, String revisionId) {
        if (revisionId != null && !revisionId.equals(policy.path("_revisionId").asString())) {
            throw new LambdaException(
                    ErrorCode.PRECONDITION_FAILED,
                    "The Revision Id provided does not match the"
                            + " latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id");
        }
    }

    private void save(String name, String key, ObjectNode policy) {
        policy.put("_revisionId", UUID.randomUUID().toString());
        store.putSetting(name, KIND, key, JSON.writeValueAsString(policy));
    }

    /** One statement, in the shape AWS's GetPolicy shows it. */
    private ObjectNode statement(Permission p, String resource) {
        ObjectNode s = JSON.createObjectNode();
        s.put("Sid", p.statementId());
        s.put("Effect", "Allow");
        String principal = p.principal();
        if (principal.equals("*")) {
            s.put("Principal", "*");
        } else if (principal.matches("\\d{12}")) {
            s.putObject("Principal").put("AWS", "arn:aws:iam::" + principal + ":root");
        } else if (principal.startsWith("arn:")) {
            s.putObject("Principal").put("AWS", principal);
        } else {
            s.putObject("Principal").put("Service", principal);
        }
        s.put("Action", p.action());
        s.put("Resource", resource);
        ObjectNode condition = JSON.createObjectNode();
        ObjectNode equals = JSON.createObjectNode();
        putIfPresent(equals, "AWS:SourceAccount", p.sourceAccount());
        putIfPresent(equals, "aws:PrincipalOrgID", p.principalOrgId());
        putIfPresent(equals, "lambda:FunctionUrlAuthType", p.functionUrlAuthType());
        putIfPresent(equals, "lambda:EventSourceToken", p.eventSourceToken());
        if (!equals.isEmpty()) {
            condition.set("StringEquals", equals);
        }
        if (p.sourceArn() != null) {
            condition.putObject("ArnLike").put("AWS:SourceArn", p.sourceArn());
        }
        if (!condition.isEmpty()) {
            s.set("Condition", condition);
        }
        return s;
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
