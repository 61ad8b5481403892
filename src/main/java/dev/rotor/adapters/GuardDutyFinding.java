package dev.rotor.adapters;

import static dev.rotor.adapters.JsonFields.at;
import static dev.rotor.adapters.JsonFields.meaningful;
import static dev.rotor.adapters.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.PrincipalMappings;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One GuardDuty finding (schemaVersion 2.0), in either of the spellings it reaches Kafka with: camelCase as EventBridge
 * sends it and GuardDuty exports it ({@code type}, {@code resource.accessKeyDetails}), or PascalCase as the API and
 * {@code aws guardduty get-findings} return it ({@code Type}, {@code Resource.AccessKeyDetails}).
 *
 * <ol>
 *   <li>Types {@code UnauthorizedAccess:IAMUser/*} and {@code CredentialAccess:*} ({@link #isCredentialType}) are
 *       {@code unauthorized_access}; archived findings and other types are not relevant.
 *   <li>Level from the numeric severity by GuardDuty's bands ({@link #level}): below 4 low, below 7 medium, below 9
 *       high, else critical.
 *   <li>Principal: the access key details (accessKeyId, userName, principalId, userType), the account, and for RDS
 *       findings the instance and database user. Id: the finding's id (its updates dedupe); time: updatedAt, else
 *       createdAt, else the envelope's.
 * </ol>
 */
final class GuardDutyFinding {
    /** GuardDuty's marker of a generated sample finding, inside the API's {@code AdditionalInfo.Value} JSON text. */
    private static final Pattern SAMPLE = Pattern.compile("\"sample\"\\s*:\\s*true");

    /** How a finding spells its fields. */
    enum Spelling {
        CAMEL,
        PASCAL;

        /** The field path in this spelling, from its camelCase form ({@code resource.accessKeyDetails}). */
        String of(final String camelPath) {
            if (this == CAMEL) {
                return camelPath;
            }
            final StringBuilder b = new StringBuilder(camelPath.length());
            boolean start = true;
            for (int i = 0; i < camelPath.length(); i++) {
                char c = camelPath.charAt(i);
                b.append(start ? Character.toUpperCase(c) : c);
                start = c == '.';
            }
            return b.toString();
        }
    }

    private GuardDutyFinding() {}

    /** About credentials: {@code UnauthorizedAccess:IAMUser/*}, {@code CredentialAccess:*}. */
    static boolean isCredentialType(final String type) {
        return type.startsWith("UnauthorizedAccess:IAMUser/") || type.startsWith("CredentialAccess:");
    }

    /** GuardDuty's severity bands. */
    static ThreatLevel level(final double score) {
        return score < 4
                ? ThreatLevel.low
                : score < 7 ? ThreatLevel.medium : score < 9 ? ThreatLevel.high : ThreatLevel.critical;
    }

    /**
     * Reads one finding.
     *
     * @param envelope the EventBridge envelope the finding came in, or null
     */
    static Adaptation adapt(
            final JsonNode finding, final JsonNode envelope, final Spelling s, final PrincipalMappings mappings) {
        final String id = JsonFields.requiredText(finding, s.of("id"));
        try {
            final String type = JsonFields.requiredText(finding, s.of("type"));
            final String severityField = s.of("severity");
            final JsonNode severity = finding.path(severityField);
            if (!severity.isNumber()) {
                throw severity.isMissingNode() || severity.isNull()
                        ? new InvalidEventException(Code.MISSING_FIELD, severityField + " is missing")
                        : JsonFields.wrongType(severityField, "a number", severity);
            }
            final Instant time = time(finding, envelope, s);
            if (!isCredentialType(type)) {
                return Adaptation.notRelevant(
                        id, time, "GuardDuty " + JsonFields.printable(type, 120) + " is not about credentials");
            }
            if (at(finding, s.of("service.archived")).asBoolean(false)) {
                return Adaptation.notRelevant(id, time, "GuardDuty finding " + type + " is archived");
            }
            final String account = JsonFields.firstText(finding, s.of("accountId"));
            final Map<String, String> p = new LinkedHashMap<>();
            p.put("access_key_id", text(finding, s.of("resource.accessKeyDetails.accessKeyId")));
            p.put("user_name", text(finding, s.of("resource.accessKeyDetails.userName")));
            p.put("principal_id", text(finding, s.of("resource.accessKeyDetails.principalId")));
            p.put("account_id", account);
            p.put("user_type", text(finding, s.of("resource.accessKeyDetails.userType")));
            p.put("db_instance", text(finding, s.of("resource.rdsDbInstanceDetails.dbInstanceIdentifier")));
            p.put("db_user", text(finding, s.of("resource.rdsDbUserDetails.user")));
            final String title = meaningful(text(finding, s.of("title")));
            return new Draft(SourceFormat.AWS)
                    .id(id)
                    .at(time)
                    .type("unauthorized_access", level(severity.doubleValue()))
                    .description(title == null ? "GuardDuty " + type : title)
                    .sourceIp(remoteIp(at(finding, s.of("service.action")), s))
                    .meta("finding_type", type)
                    .meta("aws_account", account)
                    .meta("aws_region", text(finding, s.of("region")))
                    .meta("severity_score", severity.asText())
                    .meta("sample", sample(at(finding, s.of("service.additionalInfo"))) ? "true" : null)
                    .principal(p)
                    .resolve(mappings);
        } catch (final InvalidEventException e) {
            throw e.forEvent(id);
        }
    }

    private static Instant time(final JsonNode finding, final JsonNode envelope, final Spelling s) {
        for (final String field : new String[] {s.of("updatedAt"), s.of("createdAt")}) {
            final JsonNode t = finding.path(field);
            if (t.isTextual()) {
                return EventTimes.iso(t, field);
            }
        }
        if (envelope != null && envelope.path("time").isTextual()) {
            return EventTimes.iso(envelope.path("time"), "time");
        }
        throw new InvalidEventException(Code.MISSING_FIELD, s.of("updatedAt") + " is missing");
    }

    /** The first {@code remoteIpDetails.ipAddressV4} of the finding's action, whatever its kind. */
    private static String remoteIp(final JsonNode action, final Spelling s) {
        for (final Iterator<JsonNode> it = action.elements(); it.hasNext(); ) {
            final String ip = meaningful(text(it.next(), s.of("remoteIpDetails.ipAddressV4")));
            if (ip != null) {
                return ip;
            }
        }
        return null;
    }

    /** {@code additionalInfo.sample: true} (EventBridge), or {@code "sample":true} in the API's {@code Value} text. */
    static boolean sample(final JsonNode additionalInfo) {
        if (additionalInfo.path("sample").asBoolean(false)) {
            return true;
        }
        final JsonNode value = additionalInfo.path("Value");
        return value.isTextual() && isSampleText(value.textValue());
    }

    /** Whether GuardDuty's additional-info JSON text marks a generated sample ({@code "sample":true}). */
    static boolean isSampleText(final String additionalInfo) {
        return SAMPLE.matcher(additionalInfo).find();
    }
}
