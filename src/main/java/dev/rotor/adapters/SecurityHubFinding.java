package dev.rotor.adapters;

import static dev.rotor.adapters.JsonFields.at;
import static dev.rotor.adapters.JsonFields.firstText;
import static dev.rotor.adapters.JsonFields.meaningful;
import static dev.rotor.adapters.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.PrincipalMappings;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One Security Hub finding in the AWS Security Finding Format (ASFF, SchemaVersion 2018-10-08), as {@code get-findings}
 * returns it, {@code BatchImportFindings} takes it, or EventBridge carries it in {@code detail.findings[]}. Read by the
 * rules of the GuardDuty findings rotor already understands.
 *
 * <ol>
 *   <li>Relevant when one of the {@code Types} ({@code namespace/category/classifier}; else
 *       {@code FindingProviderFields.Types}) is about credentials: in the {@code TTPs/Credential Access} category, or
 *       naming a GuardDuty type that {@link GuardDutyFinding#isCredentialType} accepts. GuardDuty writes its types into
 *       ASFF with {@code -} for {@code /} ({@code TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller}); the classifier
 *       is turned back before the test. Then {@code unauthorized_access}.
 *   <li>Not relevant: other types; {@code RecordState} {@code ARCHIVED}; {@code Workflow.Status} (else the older
 *       {@code WorkflowState}) {@code RESOLVED} or {@code SUPPRESSED}.
 *   <li>Level: {@code Severity.Label} (else {@code FindingProviderFields.Severity.Label}): INFORMATIONAL and LOW low,
 *       MEDIUM medium, HIGH high, CRITICAL critical — GuardDuty's bands give the same labels. Without a label,
 *       {@code Severity.Normalized} by ASFF's ranges (below 40 low, below 70 medium, below 90 high, else critical); for
 *       a GuardDuty finding without either, {@code Severity.Product} by GuardDuty's bands.
 *   <li>Principals: each {@code Resources[]} entry of type {@code AwsIamAccessKey} (access key id from
 *       {@code Details.AwsIamAccessKey.AccessKeyId} or the {@code AWS::IAM::AccessKey:} resource id, user name from
 *       {@code PrincipalName} or the older {@code UserName}, principal id, principal type), {@code AwsIamUser} (user
 *       name, user id, ARN) or {@code AwsIamRole} (role name as user name, ARN), with the account; a finding on no IAM
 *       resource names only the account. Id {@code Id}; time {@code UpdatedAt}, else {@code CreatedAt}, else the
 *       envelope's.
 * </ol>
 */
final class SecurityHubFinding {
    static final String ACCESS_KEY_ID_PREFIX = "AWS::IAM::AccessKey:";

    private SecurityHubFinding() {}

    /** Whether an ASFF finding type is about credentials (see the class comment). */
    static boolean isCredentialType(final String asffType) {
        final String[] parts = asffType.split("/");
        if (parts.length >= 2
                && parts[0].strip().equals("TTPs")
                && parts[1].strip().equalsIgnoreCase("Credential Access")) {
            return true;
        }
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].contains(":")) {
                String guardDuty = String.join("/", List.of(parts).subList(i, parts.length))
                        .strip();
                if (!guardDuty.contains("/")) {
                    guardDuty = guardDuty.replaceFirst("^([^:/]+:[^-/]+)-", "$1/");
                }
                return GuardDutyFinding.isCredentialType(guardDuty);
            }
        }
        return false;
    }

    /**
     * Reads one finding.
     *
     * @param envelope the EventBridge envelope the finding came in, or null
     */
    static Adaptation adapt(final JsonNode finding, final JsonNode envelope, final PrincipalMappings mappings) {
        final String id = JsonFields.requiredText(finding, "Id");
        try {
            final Instant time = time(finding, envelope);
            final List<String> types = types(finding);
            final String type = types.stream()
                    .filter(SecurityHubFinding::isCredentialType)
                    .findFirst()
                    .orElse(null);
            if (type == null) {
                return Adaptation.notRelevant(
                        id,
                        time,
                        "Security Hub finding of type "
                                + JsonFields.printable(types.isEmpty() ? "(none)" : String.join(", ", types), 160)
                                + " is not about credentials");
            }
            final String shown = JsonFields.printable(type, 160);
            if ("ARCHIVED".equalsIgnoreCase(meaningful(text(finding, "RecordState")))) {
                return Adaptation.notRelevant(id, time, "Security Hub finding " + shown + " is archived");
            }
            final String workflow = firstText(finding, "Workflow.Status", "WorkflowState");
            if ("RESOLVED".equalsIgnoreCase(workflow) || "SUPPRESSED".equalsIgnoreCase(workflow)) {
                return Adaptation.notRelevant(
                        id, time, "Security Hub finding " + shown + " is " + workflow.toLowerCase(Locale.ROOT));
            }
            final boolean guardDuty = isGuardDuty(finding);
            final String account = firstText(finding, "AwsAccountId");
            final String title = firstText(finding, "Title");
            final Draft d = new Draft(SourceFormat.AWS)
                    .id(id)
                    .at(time)
                    .type("unauthorized_access", level(finding, guardDuty))
                    .description(title == null ? "Security Hub finding " + type : title)
                    .sourceIp(remoteIp(finding))
                    .meta("finding_type", type)
                    .meta("aws_account", account)
                    .meta(
                            "aws_region",
                            firstNonNull(
                                    firstText(finding, "Region"),
                                    meaningful(text(finding.path("Resources").path(0), "Region"))))
                    .meta("product", product(finding, guardDuty))
                    .meta(
                            "severity_label",
                            firstText(finding, "Severity.Label", "FindingProviderFields.Severity.Label"))
                    .meta("sample", sample(finding) ? "true" : null);
            principals(finding, account).forEach(d::principal);
            return d.resolve(mappings);
        } catch (final InvalidEventException e) {
            throw e.forEvent(id);
        }
    }

    private static Instant time(final JsonNode finding, final JsonNode envelope) {
        for (final String field : new String[] {"UpdatedAt", "CreatedAt"}) {
            final JsonNode t = finding.path(field);
            if (t.isTextual()) {
                return EventTimes.iso(t, field);
            }
        }
        if (envelope != null && envelope.path("time").isTextual()) {
            return EventTimes.iso(envelope.path("time"), "time");
        }
        throw new InvalidEventException(Code.MISSING_FIELD, "UpdatedAt is missing");
    }

    private static List<String> types(final JsonNode finding) {
        JsonNode types = finding.path("Types");
        if (types.isMissingNode() || types.isNull()) {
            types = at(finding, "FindingProviderFields.Types");
        }
        final List<String> out = new ArrayList<>();
        if (types.isMissingNode() || types.isNull()) {
            return out;
        }
        if (!types.isArray()) {
            throw JsonFields.wrongType("Types", "an array of strings", types);
        }
        for (final JsonNode t : types) {
            if (!t.isTextual()) {
                throw JsonFields.wrongType("Types", "an array of strings", types);
            }
            out.add(t.textValue());
        }
        return out;
    }

    /** Made by GuardDuty: its product ARN, or its name in {@code ProductName} or {@code ProductFields}. */
    private static boolean isGuardDuty(final JsonNode finding) {
        final String arn = meaningful(text(finding, "ProductArn"));
        return (arn != null && arn.endsWith("/aws/guardduty")) || "GuardDuty".equals(product(finding, false));
    }

    private static String product(final JsonNode finding, final boolean guardDuty) {
        final String name = meaningful(text(finding, "ProductName"));
        if (name != null) {
            return name;
        }
        final String field = meaningful(text(finding.path("ProductFields"), "aws/securityhub/ProductName"));
        return field != null ? field : guardDuty ? "GuardDuty" : null;
    }

    static ThreatLevel level(final JsonNode finding, final boolean guardDuty) {
        final String label = firstText(finding, "Severity.Label", "FindingProviderFields.Severity.Label");
        if (label != null) {
            return switch (label.toUpperCase(Locale.ROOT)) {
                case "INFORMATIONAL", "LOW" -> ThreatLevel.low;
                case "MEDIUM" -> ThreatLevel.medium;
                case "HIGH" -> ThreatLevel.high;
                case "CRITICAL" -> ThreatLevel.critical;
                default ->
                    throw new InvalidEventException(
                            Code.INVALID_THREAT_LEVEL,
                            "Severity.Label must be " + "INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL, found "
                                    + JsonFields.printable(label, 40));
            };
        }
        final JsonNode normalized = at(finding, "Severity.Normalized");
        if (normalized.isNumber()) {
            final double n = normalized.doubleValue();
            return n < 40
                    ? ThreatLevel.low
                    : n < 70 ? ThreatLevel.medium : n < 90 ? ThreatLevel.high : ThreatLevel.critical;
        }
        if (!normalized.isMissingNode() && !normalized.isNull()) {
            throw JsonFields.wrongType("Severity.Normalized", "a number", normalized);
        }
        final JsonNode product = at(finding, "Severity.Product");
        if (guardDuty && product.isNumber()) {
            return GuardDutyFinding.level(product.doubleValue());
        }
        throw new InvalidEventException(Code.MISSING_FIELD, "Severity.Label is missing");
    }

    private static List<Map<String, String>> principals(final JsonNode finding, final String account) {
        final List<Map<String, String>> out = new ArrayList<>();
        for (final JsonNode r : finding.path("Resources")) {
            final String type = String.valueOf(meaningful(text(r, "Type"))).toLowerCase(Locale.ROOT);
            final String resourceId = meaningful(text(r, "Id"));
            final String arn = resourceId != null && resourceId.startsWith("arn:") ? resourceId : null;
            final Map<String, String> p = new LinkedHashMap<>();
            switch (type) {
                case "awsiamaccesskey" -> {
                    final JsonNode details = at(r, "Details.AwsIamAccessKey");
                    p.put("access_key_id", firstNonNull(meaningful(text(details, "AccessKeyId")), keyOf(resourceId)));
                    p.put("user_name", JsonFields.firstText(details, "PrincipalName", "UserName"));
                    p.put("principal_id", text(details, "PrincipalId"));
                    p.put("account_id", firstNonNull(meaningful(text(details, "AccountId")), account));
                    p.put("user_type", text(details, "PrincipalType"));
                }
                case "awsiamuser" -> {
                    final JsonNode details = at(r, "Details.AwsIamUser");
                    p.put("user_name", text(details, "UserName"));
                    p.put("user_arn", arn);
                    p.put("principal_id", text(details, "UserId"));
                    p.put("account_id", account);
                }
                case "awsiamrole" -> {
                    p.put("user_name", text(at(r, "Details.AwsIamRole"), "RoleName"));
                    p.put("user_arn", arn);
                    p.put("account_id", account);
                }
                default -> {
                    continue;
                }
            }
            out.add(p);
        }
        if (out.isEmpty()) {
            final Map<String, String> p = new LinkedHashMap<>();
            p.put("account_id", account);
            out.add(p);
        }
        return out;
    }

    /** The key id of an {@code AWS::IAM::AccessKey:<id>} resource id (GuardDuty's), or null. */
    private static String keyOf(final String resourceId) {
        if (resourceId == null || !resourceId.startsWith(ACCESS_KEY_ID_PREFIX)) {
            return null;
        }
        final String key = meaningful(resourceId.substring(ACCESS_KEY_ID_PREFIX.length()));
        return "null".equals(key) ? null : key;
    }

    private static String firstNonNull(final String a, final String b) {
        return a != null ? a : b;
    }

    /**
     * The remote address: {@code Action.<kind>.RemoteIpDetails.IpAddressV4} (a port probe's first detail), else
     * {@code Network.SourceIpV4}, else a GuardDuty {@code ProductFields} entry ending
     * {@code remoteIpDetails/ipAddressV4}.
     */
    private static String remoteIp(final JsonNode finding) {
        for (final Iterator<JsonNode> it = finding.path("Action").elements(); it.hasNext(); ) {
            final JsonNode action = it.next();
            final String ip = firstNonNull(
                    firstText(action, "RemoteIpDetails.IpAddressV4"),
                    firstText(action.path("PortProbeDetails").path(0), "RemoteIpDetails.IpAddressV4"));
            if (ip != null) {
                return ip;
            }
        }
        final String network = firstText(finding, "Network.SourceIpV4");
        if (network != null) {
            return network;
        }
        for (final Map.Entry<String, JsonNode> e : finding.path("ProductFields").properties()) {
            if (e.getKey().endsWith("remoteIpDetails/ipAddressV4")
                    && e.getValue().isTextual()) {
                final String ip = meaningful(e.getValue().textValue());
                if (ip != null) {
                    return ip;
                }
            }
        }
        return null;
    }

    /** ASFF's {@code Sample}, or GuardDuty's sample marker in {@code ProductFields}' additional info. */
    private static boolean sample(final JsonNode finding) {
        if (finding.path("Sample").asBoolean(false)) {
            return true;
        }
        for (final Map.Entry<String, JsonNode> e : finding.path("ProductFields").properties()) {
            if (e.getKey().endsWith("additionalInfo")
                    && e.getValue().isTextual()
                    && GuardDutyFinding.isSampleText(e.getValue().textValue())) {
                return true;
            }
        }
        return false;
    }
}
