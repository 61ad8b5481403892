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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * OCSF (Open Cybersecurity Schema Framework) events, by {@code class_uid}; written to the 1.x schema and tested on
 * 0.31.2, 1.0.0-rc.2, 1.1.0 and 1.3.0 samples.
 *
 * <ol>
 *   <li>Authentication (3002) with {@code status_id} 2 (Failure) — or, when {@code status_id} is absent, 0 or 99,
 *       {@code status} "Failure" — is a {@code failed_auth_spike} of weight 1 for the principal's secret; a failed
 *       Logoff ({@code activity_id} 2) and every other status are not relevant. The level follows the severity but
 *       never exceeds high: one failed login is counted, never a direct trigger.
 *   <li>Detection Finding (2004) and Security Finding (2001) whose title or types ({@code finding_info}, or 1.0's
 *       {@code finding}) show credential exposure ({@code leaked_credential}), password guessing
 *       ({@code brute_force_attack}) or unauthorized use of credentials ({@code unauthorized_access}); closed,
 *       suppressed and resolved findings and all other findings are not relevant.
 *   <li>Threat level from {@code severity_id}: 1–2 low, 3 medium, 4 high, 5–6 critical; for 0 (Unknown), 99 (Other) or
 *       none, the {@code severity} caption when it names a level, else medium.
 *   <li>Principal: {@code user.*} (name, uid, domain, email_addr; each falling back to {@code actor.user}); for
 *       findings also each of {@code resources[]} (name, uid, type). Event id: {@code metadata.uid}, else
 *       {@code finding_info.uid} / {@code finding.uid}. Time: {@code time} ({@link EventTimes#epoch}), else
 *       {@code time_dt}.
 *   <li>Other classes are not relevant; a record without {@code class_uid} is not OCSF (DLQ).
 * </ol>
 */
final class OcsfAdapter implements SourceAdapter {
    static final int AUTHENTICATION = 3002;
    static final int SECURITY_FINDING = 2001;
    static final int DETECTION_FINDING = 2004;

    private static final Pattern CREDENTIAL = Pattern.compile(
            "credential|password|passwd|secret|token|api[ _-]?key|access[ _-]?key|private[ _-]?key|ssh[ _-]?key");
    private static final Pattern EXPOSURE = Pattern.compile("leak|expos|exfiltrat|publicly|dump");
    private static final Pattern GUESSING =
            Pattern.compile("brute[ _-]?force|password[ _-]?spray|credential[ _-]?stuffing"
                    + "|log[io]n failure|failed log[io]n|failed sign[ -]?in|authentication failure");
    private static final Pattern UNAUTHORIZED =
            Pattern.compile("unauthori[sz]ed[ _-]?access|credential[ _-]?access" + "|account[ _-]?takeover");
    private static final Pattern COMPROMISE = Pattern.compile("compromis|stolen|theft|misuse");

    private final PrincipalMappings mappings;

    OcsfAdapter(final PrincipalMappings mappings) {
        this.mappings = mappings;
    }

    @Override
    public SourceFormat format() {
        return SourceFormat.OCSF;
    }

    @Override
    public Adaptation adapt(final JsonNode root, final long recordTimestamp) {
        final JsonNode classNode = root.get("class_uid");
        if (classNode == null || classNode.isNull()) {
            throw new InvalidEventException(Code.UNKNOWN_PAYLOAD, "class_uid is missing: not an OCSF event");
        }
        if (!classNode.isIntegralNumber()) {
            throw JsonFields.wrongType("class_uid", "a whole number", classNode);
        }
        final int classUid = classNode.intValue();
        final String id = firstText(root, "metadata.uid", "finding_info.uid", "finding.uid");
        try {
            return switch (classUid) {
                case AUTHENTICATION -> authentication(root, id);
                case DETECTION_FINDING, SECURITY_FINDING -> finding(root, id, classUid);
                default ->
                    Adaptation.notRelevant(
                            id,
                            timeOrNull(root),
                            "OCSF class " + classUid + " is neither Authentication (3002) nor a finding (2001, 2004)");
            };
        } catch (final InvalidEventException e) {
            throw id == null ? e : e.forEvent(id);
        }
    }

    private Adaptation authentication(final JsonNode root, final String id) {
        final Instant time = time(root);
        final long status = JsonFields.wholeNumber(root, "status_id", -1);
        final String statusText = meaningful(text(root, "status"));
        final boolean failure = status == 2
                || ((status == -1 || status == 0 || status == 99) && "failure".equalsIgnoreCase(statusText));
        if (!failure) {
            return Adaptation.notRelevant(
                    id,
                    time,
                    "OCSF authentication "
                            + (status < 0 ? "without status_id" : "with status_id " + status)
                            + (statusText == null ? "" : " (" + JsonFields.printable(statusText, 40) + ")")
                            + " is not a failure");
        }
        if (JsonFields.wholeNumber(root, "activity_id", -1) == 2) {
            return Adaptation.notRelevant(id, time, "a failed OCSF Logoff is not a failed login");
        }
        final String message = meaningful(text(root, "message"));
        final String detail = meaningful(text(root, "status_detail"));
        final Draft d = common(root, id, time)
                .type("failed_auth_spike", Draft.atMost(level(root), ThreatLevel.high))
                .description((message == null ? "OCSF authentication failure" : message)
                        + (detail == null ? "" : " (" + detail + ")"))
                .sourceIp(text(root, "src_endpoint.ip"))
                .principal(user(at(root, "user"), at(root, "actor.user")));
        return d.resolve(mappings);
    }

    private Adaptation finding(final JsonNode root, final String id, final int classUid) {
        final Instant time = time(root);
        final long activity = JsonFields.wholeNumber(root, "activity_id", -1);
        final long status =
                Math.max(JsonFields.wholeNumber(root, "status_id", -1), JsonFields.wholeNumber(root, "state_id", -1));
        if (activity == 3 || status == 3 || status == 4 || status == 5) {
            return Adaptation.notRelevant(
                    id,
                    time,
                    "the OCSF finding is closed, suppressed, resolved or archived " + "(activity_id " + activity
                            + ", status " + status + ")");
        }
        final String title = firstText(root, "finding_info.title", "finding.title");
        final List<String> types = new ArrayList<>();
        for (final String p : List.of("finding_info.types", "finding.types")) {
            at(root, p).forEach(t -> {
                if (t.isTextual()) {
                    types.add(t.textValue());
                }
            });
        }
        final String indicator =
                classify(((title == null ? "" : title) + " " + String.join(" ", types)).toLowerCase(Locale.ROOT));
        if (indicator == null) {
            return Adaptation.notRelevant(
                    id,
                    time,
                    "OCSF finding '" + JsonFields.printable(title, 120)
                            + "' shows no credential exposure or compromise");
        }
        final Draft d = common(root, id, time)
                .type(indicator, level(root))
                .description(title == null ? "OCSF finding (class " + classUid + ")" : title)
                .sourceIp(sourceIp(root));
        final Map<String, String> user = findingUser(root);
        final JsonNode resources = root.path("resources");
        if (resources.isArray() && !resources.isEmpty()) {
            for (final JsonNode r : resources) {
                final Map<String, String> p = new LinkedHashMap<>(user);
                p.put("resource.name", text(r, "name"));
                p.put("resource.uid", text(r, "uid"));
                p.put("resource.type", text(r, "type"));
                d.principal(p);
            }
        } else {
            d.principal(user);
        }
        return d.resolve(mappings);
    }

    /** The first rule that matches: exposure, guessing, unauthorized use; null for none. */
    static String classify(final String text) {
        if (EXPOSURE.matcher(text).find() && CREDENTIAL.matcher(text).find()) {
            return "leaked_credential";
        }
        if (GUESSING.matcher(text).find()) {
            return "brute_force_attack";
        }
        if (UNAUTHORIZED.matcher(text).find()
                || (COMPROMISE.matcher(text).find() && CREDENTIAL.matcher(text).find())) {
            return "unauthorized_access";
        }
        return null;
    }

    private static Draft common(final JsonNode root, final String id, final Instant time) {
        return new Draft(SourceFormat.OCSF)
                .id(id)
                .at(time)
                .meta("ocsf_class_uid", at(root, "class_uid").asText())
                .meta("ocsf_version", text(root, "metadata.version"))
                .meta("product", text(root, "metadata.product.name"));
    }

    /** {@code severity_id} as a threat level (see the class comment). */
    static ThreatLevel level(final JsonNode root) {
        final long id = JsonFields.wholeNumber(root, "severity_id", 0);
        if (id == 1 || id == 2) {
            return ThreatLevel.low;
        }
        if (id == 3) {
            return ThreatLevel.medium;
        }
        if (id == 4) {
            return ThreatLevel.high;
        }
        if (id == 5 || id == 6) {
            return ThreatLevel.critical;
        }
        final String caption =
                String.valueOf(meaningful(text(root, "severity"))).toLowerCase(Locale.ROOT);
        return switch (caption) {
            case "informational", "low" -> ThreatLevel.low;
            case "high" -> ThreatLevel.high;
            case "critical", "fatal" -> ThreatLevel.critical;
            default -> ThreatLevel.medium;
        };
    }

    static Instant time(final JsonNode root) {
        final JsonNode t = root.get("time");
        if (t != null && !t.isNull()) {
            return EventTimes.epoch(t, "time");
        }
        final JsonNode dt = root.get("time_dt");
        if (dt != null && !dt.isNull()) {
            return EventTimes.iso(dt, "time_dt");
        }
        throw new InvalidEventException(Code.MISSING_FIELD, "time is missing");
    }

    private static Instant timeOrNull(final JsonNode root) {
        try {
            return time(root);
        } catch (final InvalidEventException e) {
            return null;
        }
    }

    private static Map<String, String> user(final JsonNode primary, final JsonNode fallback) {
        final Map<String, String> p = new LinkedHashMap<>();
        for (final String field : List.of("name", "uid", "domain", "email_addr")) {
            String v = meaningful(text(primary, field));
            if (v == null) {
                v = meaningful(text(fallback, field));
            }
            p.put("user." + field, v);
        }
        return p;
    }

    private static Map<String, String> findingUser(final JsonNode root) {
        final List<JsonNode> candidates = new ArrayList<>(List.of(at(root, "actor.user"), at(root, "user")));
        for (final JsonNode e : root.path("evidences")) {
            candidates.add(at(e, "actor.user"));
            candidates.add(at(e, "user"));
        }
        for (final JsonNode u : candidates) {
            if (u.isObject() && (meaningful(text(u, "name")) != null || meaningful(text(u, "uid")) != null)) {
                return user(u, u);
            }
        }
        return new LinkedHashMap<>();
    }

    private static String sourceIp(final JsonNode root) {
        final String ip = meaningful(text(root, "src_endpoint.ip"));
        if (ip != null) {
            return ip;
        }
        for (final JsonNode e : root.path("evidences")) {
            final String v = meaningful(text(e, "src_endpoint.ip"));
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
