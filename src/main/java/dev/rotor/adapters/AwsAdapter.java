package dev.rotor.adapters;

import static dev.rotor.adapters.JsonFields.firstText;
import static dev.rotor.adapters.JsonFields.meaningful;
import static dev.rotor.adapters.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.adapters.GuardDutyFinding.Spelling;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.PrincipalMappings;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AWS security sources, in the shapes they reach Kafka: a CloudTrail event (eventVersion 1.x), a CloudTrail log file
 * ({@code {"Records": [...]}}), a GuardDuty finding (schemaVersion 2.0, camelCase as EventBridge sends it), the
 * {@code {"Findings": [...]}} of {@code aws guardduty get-findings} (PascalCase) or of Security Hub's
 * {@code get-findings} / {@code BatchImportFindings} (ASFF), a single such finding, or any of these in an EventBridge
 * envelope ({@code detail-type}, {@code source}, {@code detail}; Security Hub's puts its findings in
 * {@code detail.findings[]}), which is also how AWS Health events arrive.
 *
 * <ol>
 *   <li>CloudTrail {@code ConsoleLogin} failures ({@code responseElements.ConsoleLogin} "Failure", or an
 *       {@code errorMessage} without "Success") are a {@code failed_auth_spike} (medium, weight 1); every other
 *       CloudTrail event is not relevant. Principal: {@code userIdentity} (userName — unless AWS hid it —, arn,
 *       principalId, accountId or recipientAccountId, type, accessKeyId). Id {@code eventID}, time {@code eventTime}.
 *   <li>GuardDuty findings, in either spelling: {@link GuardDutyFinding}. Security Hub findings:
 *       {@link SecurityHubFinding}, by the same rules. A list of findings gives one outcome per finding, in order
 *       (several events, as a CloudTrail log file does); an element of neither kind refuses the whole record, an empty
 *       list is not relevant.
 *   <li>AWS Health {@code AWS_RISK_CREDENTIALS_EXPOSED} is {@code api_key_exposed}, critical; the principals are the
 *       {@code affectedEntities[].entityValue} access keys. Id: {@code eventArn}, else the envelope id; time: the
 *       envelope's, else {@code startTime} (RFC 1123). Other Health events are not relevant.
 *   <li>Other EventBridge events are not relevant; JSON of none of these shapes is refused (DLQ).
 * </ol>
 */
final class AwsAdapter implements SourceAdapter {
    static final String HIDDEN_USER = "HIDDEN_DUE_TO_SECURITY_REASONS";
    static final String CREDENTIALS_EXPOSED = "AWS_RISK_CREDENTIALS_EXPOSED";
    private static final Adaptation NOTHING = new Adaptation(List.of(), List.of(), List.of());

    private final PrincipalMappings mappings;

    AwsAdapter(final PrincipalMappings mappings) {
        this.mappings = mappings;
    }

    @Override
    public SourceFormat format() {
        return SourceFormat.AWS;
    }

    @Override
    public Adaptation adapt(final JsonNode root, final long recordTimestamp) {
        if (root.has("Records")) {
            final JsonNode records = root.get("Records");
            if (!records.isArray()) {
                throw JsonFields.wrongType("Records", "an array of CloudTrail events", records);
            }
            Adaptation all = NOTHING;
            int i = 0;
            for (final JsonNode r : records) {
                if (!r.isObject()) {
                    throw JsonFields.wrongType("Records[" + i + "]", "a CloudTrail event", r);
                }
                all = all.plus(cloudTrail(r));
                i++;
            }
            return all;
        }
        if (root.has("Findings")) {
            return findings(root.get("Findings"), "Findings", null);
        }
        if (root.has("detail-type") && root.has("detail")) {
            return eventBridge(root);
        }
        if (root.has("eventVersion") && root.has("eventName")) {
            return cloudTrail(root);
        }
        if (root.has("schemaVersion") && root.has("type") && root.has("severity")) {
            return GuardDutyFinding.adapt(root, null, Spelling.CAMEL, mappings);
        }
        if (root.has("SchemaVersion") && root.has("ProductArn")) {
            return SecurityHubFinding.adapt(root, null, mappings);
        }
        if (root.has("SchemaVersion") && root.has("Type") && root.has("Severity")) {
            return GuardDutyFinding.adapt(root, null, Spelling.PASCAL, mappings);
        }
        throw new InvalidEventException(
                Code.UNKNOWN_PAYLOAD,
                "neither a CloudTrail event or log file, a GuardDuty "
                        + "or Security Hub finding (or a list of them) nor an EventBridge event");
    }

    /** A list of GuardDuty (PascalCase or camelCase) or Security Hub (ASFF) findings, each read on its own. */
    private Adaptation findings(final JsonNode list, final String field, final JsonNode envelope) {
        if (!list.isArray()) {
            throw JsonFields.wrongType(field, "an array of findings", list);
        }
        if (list.isEmpty()) {
            return Adaptation.notRelevant(
                    envelope == null ? null : meaningful(text(envelope, "id")),
                    envelope == null ? null : timeOrNull(envelope.path("time")),
                    field + " is empty");
        }
        Adaptation all = NOTHING;
        int i = 0;
        for (final JsonNode f : list) {
            final String at = field + "[" + i + "]";
            if (!f.isObject()) {
                throw JsonFields.wrongType(at, "a finding", f);
            }
            if (f.has("ProductArn")) {
                all = all.plus(SecurityHubFinding.adapt(f, envelope, mappings));
            } else if (f.has("Type") && f.has("Severity")) {
                all = all.plus(GuardDutyFinding.adapt(f, envelope, Spelling.PASCAL, mappings));
            } else if (f.has("type") && f.has("severity")) {
                all = all.plus(GuardDutyFinding.adapt(f, envelope, Spelling.CAMEL, mappings));
            } else {
                throw new InvalidEventException(
                        Code.UNKNOWN_PAYLOAD,
                        at + " is neither a GuardDuty finding (Type, "
                                + "Severity) nor a Security Hub finding (ProductArn)");
            }
            i++;
        }
        return all;
    }

    private Adaptation eventBridge(final JsonNode envelope) {
        final String detailType = JsonFields.requiredText(envelope, "detail-type");
        final String source = meaningful(text(envelope, "source"));
        final JsonNode detail = envelope.get("detail");
        if (!detail.isObject()) {
            throw JsonFields.wrongType("detail", "an object", detail);
        }
        if ("aws.guardduty".equals(source) || detailType.equals("GuardDuty Finding")) {
            return GuardDutyFinding.adapt(detail, envelope, Spelling.CAMEL, mappings);
        }
        if ("aws.securityhub".equals(source) && detail.has("findings")) {
            return findings(detail.get("findings"), "detail.findings", envelope);
        }
        if ("aws.health".equals(source)) {
            return health(detail, envelope);
        }
        if (detail.has("eventVersion") && detail.has("eventName")) {
            return cloudTrail(detail);
        }
        return Adaptation.notRelevant(
                meaningful(text(envelope, "id")),
                timeOrNull(envelope.path("time")),
                "EventBridge '" + JsonFields.printable(detailType, 80) + "' events are not handled");
    }

    private Adaptation cloudTrail(final JsonNode event) {
        final String id = meaningful(text(event, "eventID"));
        try {
            final String name = JsonFields.requiredText(event, "eventName");
            final Instant time = EventTimes.iso(event.path("eventTime"), "eventTime");
            if (!name.equals("ConsoleLogin")) {
                return Adaptation.notRelevant(
                        id, time, "CloudTrail " + JsonFields.printable(name, 80) + " is not a console sign-in");
            }
            final String outcome = meaningful(text(event, "responseElements.ConsoleLogin"));
            final String error = meaningful(text(event, "errorMessage"));
            final boolean failed = "Failure".equals(outcome) || (error != null && !"Success".equals(outcome));
            if (!failed) {
                return Adaptation.notRelevant(id, time, "CloudTrail ConsoleLogin succeeded");
            }
            final JsonNode who = event.path("userIdentity");
            String user = meaningful(text(who, "userName"));
            if (HIDDEN_USER.equals(user)) {
                user = null;
            }
            final String type = meaningful(text(who, "type"));
            final Map<String, String> p = new LinkedHashMap<>();
            p.put("access_key_id", text(who, "accessKeyId"));
            p.put("user_name", user);
            p.put("user_arn", text(who, "arn"));
            p.put("principal_id", text(who, "principalId"));
            p.put("account_id", firstText(event, "userIdentity.accountId", "recipientAccountId"));
            p.put("user_type", type);
            final String subject = user != null
                    ? user
                    : String.valueOf(firstText(event, "userIdentity.arn", "userIdentity.principalId"));
            return new Draft(SourceFormat.AWS)
                    .id(id)
                    .at(time)
                    .type("failed_auth_spike", ThreatLevel.medium)
                    .description("AWS console sign-in failed for " + (type == null ? "" : type + " ")
                            + JsonFields.printable(subject, 200) + (error == null ? "" : " (" + error + ")"))
                    .sourceIp(text(event, "sourceIPAddress"))
                    .meta("aws_account", p.get("account_id"))
                    .meta("aws_region", text(event, "awsRegion"))
                    .meta("event_name", name)
                    .principal(p)
                    .resolve(mappings);
        } catch (final InvalidEventException e) {
            throw id == null ? e : e.forEvent(id);
        }
    }

    private Adaptation health(final JsonNode detail, final JsonNode envelope) {
        final String id = firstText(detail, "eventArn") != null
                ? firstText(detail, "eventArn")
                : meaningful(text(envelope, "id"));
        try {
            final String code = JsonFields.requiredText(detail, "eventTypeCode");
            final JsonNode envelopeTime = envelope.path("time");
            final Instant time = envelopeTime.isTextual()
                    ? EventTimes.iso(envelopeTime, "time")
                    : EventTimes.isoOrRfc1123(detail.path("startTime"), "detail.startTime");
            if (!code.equals(CREDENTIALS_EXPOSED)) {
                return Adaptation.notRelevant(
                        id, time, "AWS Health " + JsonFields.printable(code, 120) + " is not " + CREDENTIALS_EXPOSED);
            }
            final String account = meaningful(text(envelope, "account"));
            final Draft d = new Draft(SourceFormat.AWS)
                    .id(id)
                    .at(time)
                    .type("api_key_exposed", ThreatLevel.critical)
                    .description("AWS Health " + CREDENTIALS_EXPOSED + ": an access key of account " + account
                            + " is exposed publicly")
                    .meta("event_type_code", code)
                    .meta("aws_account", account)
                    .meta("aws_region", text(envelope, "region"));
            for (final JsonNode entity : detail.path("affectedEntities")) {
                final Map<String, String> p = new LinkedHashMap<>();
                p.put("access_key_id", text(entity, "entityValue"));
                p.put("account_id", account);
                d.principal(p);
            }
            return d.resolve(mappings);
        } catch (final InvalidEventException e) {
            throw id == null ? e : e.forEvent(id);
        }
    }

    private static Instant timeOrNull(final JsonNode t) {
        try {
            return t.isTextual() ? EventTimes.iso(t, "time") : null;
        } catch (final InvalidEventException e) {
            return null;
        }
    }
}
