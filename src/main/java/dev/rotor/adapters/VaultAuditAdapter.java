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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HashiCorp Vault's file audit device (one JSON object per line, as a log shipper forwards it; a shipper's envelope
 * with the line in {@code message} or {@code log} is unwrapped). This is the original implementation's
 * {@code monitor_audit_events}, done as a stream.
 *
 * <ol>
 *   <li>Only {@code response} entries are judged: Vault writes a request and a response entry per call, and only the
 *       response knows how the call ended. Request entries (and KMIP and other entry types) are not relevant.
 *   <li>A response with an error (a top-level {@code error}, or {@code response.data.error}: a failed userpass login
 *       writes only the latter) on a login path — {@code auth/...} with a segment starting {@code login} — is a
 *       {@code failed_auth_spike} (medium, weight 1) for the secret the principal maps to. Principal:
 *       {@code login_path} (request.path), {@code mount} (the path before {@code /login}), {@code user} (the segment
 *       after {@code login/}, as userpass, LDAP and Okta logins put it), {@code display_name}, {@code entity_id}.
 *   <li>A {@code permission denied} error on any other path is {@code unauthorized_access} (high) on that path, KV v2
 *       API paths ({@code <mount>/data|metadata|delete|undelete|destroy/<name>}) turned into the secret's logical path
 *       {@code <mount>/<name>}; paths under {@code sys/}, {@code auth/}, {@code identity/} and {@code cubbyhole/} are
 *       not secret paths (not relevant). The path still has to pass the allowlist.
 *   <li>Everything else — successful calls, other errors — is not relevant. Event id: {@code request.id}; time:
 *       {@code time}. HMAC'd values (tokens, accessors, request and response data) are never copied.
 * </ol>
 */
final class VaultAuditAdapter implements SourceAdapter {
    private static final Set<String> KV2_API = Set.of("data", "metadata", "delete", "undelete", "destroy");
    private static final List<String> NOT_SECRETS = List.of("sys/", "auth/", "identity/", "cubbyhole/");

    private final PrincipalMappings mappings;

    VaultAuditAdapter(final PrincipalMappings mappings) {
        this.mappings = mappings;
    }

    @Override
    public SourceFormat format() {
        return SourceFormat.VAULT_AUDIT;
    }

    @Override
    public Adaptation adapt(final JsonNode record, final long recordTimestamp) {
        final JsonNode root = unwrapped(record);
        final JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            throw new InvalidEventException(Code.UNKNOWN_PAYLOAD, "type is missing: not a Vault audit entry");
        }
        final String id = meaningful(text(root, "request.id"));
        try {
            final String type = typeNode.textValue();
            if (!type.equals("response")) {
                return Adaptation.notRelevant(
                        id,
                        timeOrNull(root),
                        "Vault audit " + JsonFields.printable(type, 40)
                                + " entry (calls are judged on their response entry)");
            }
            final JsonNode request = root.get("request");
            if (request == null || !request.isObject()) {
                throw new InvalidEventException(Code.MISSING_FIELD, "request is missing");
            }
            final Instant time = EventTimes.iso(root.path("time"), "time");
            final String path = meaningful(text(request, "path"));
            final String operation = meaningful(text(request, "operation"));
            final String error = meaningful(text(root, "error"));
            final boolean failed =
                    error != null || !at(root, "response.data.error").isMissingNode();
            final String shownPath = JsonFields.printable(path, 200);
            if (!failed) {
                return Adaptation.notRelevant(id, time, "Vault " + operation + " on " + shownPath + " succeeded");
            }
            if (path != null && isLogin(path)) {
                return login(root, id, time, path, operation);
            }
            if (error == null || !error.toLowerCase(Locale.ROOT).contains("permission denied")) {
                return Adaptation.notRelevant(
                        id, time, "Vault error on " + shownPath + " is neither a failed login nor a permission denial");
            }
            if (path == null
                    || NOT_SECRETS.stream()
                            .anyMatch(p -> path.toLowerCase(Locale.ROOT).startsWith(p))) {
                return Adaptation.notRelevant(
                        id, time, "permission denied on " + shownPath + ", which is not a secret path");
            }
            final String secret = logicalPath(
                    path, meaningful(text(request, "mount_type")), meaningful(text(request, "mount_point")));
            return common(root, id, time, path, operation)
                    .type("unauthorized_access", ThreatLevel.high)
                    .description("Vault denied " + operation + " on " + shownPath + ": permission denied")
                    .principal(identity(root, Map.of()))
                    .onPath(secret)
                    .resolve(mappings);
        } catch (final InvalidEventException e) {
            throw id == null ? e : e.forEvent(id);
        }
    }

    private Adaptation login(
            final JsonNode root, final String id, final Instant time, final String path, final String operation) {
        final String[] segments = path.split("/");
        final int login = loginSegment(segments);
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("login_path", path);
        p.put("mount", String.join("/", List.of(segments).subList(0, login)));
        p.put(
                "user",
                login + 1 < segments.length
                        ? String.join("/", List.of(segments).subList(login + 1, segments.length))
                        : null);
        return common(root, id, time, path, operation)
                .type("failed_auth_spike", ThreatLevel.medium)
                .description("Vault login failed at " + JsonFields.printable(path, 200))
                .principal(identity(root, p))
                .resolve(mappings);
    }

    private static Draft common(
            final JsonNode root, final String id, final Instant time, final String path, final String operation) {
        return new Draft(SourceFormat.VAULT_AUDIT)
                .id(id)
                .at(time)
                .sourceIp(text(root, "request.remote_address"))
                .meta("vault_path", path)
                .meta("operation", operation)
                .meta("mount_type", text(root, "request.mount_type"))
                .meta("vault_namespace", JsonFields.firstText(root, "request.namespace.path", "request.namespace.id"));
    }

    private static Map<String, String> identity(final JsonNode root, final Map<String, String> with) {
        final Map<String, String> p = new LinkedHashMap<>(with);
        p.put("display_name", text(root, "auth.display_name"));
        p.put("entity_id", text(root, "auth.entity_id"));
        return p;
    }

    /** {@code auth/<mount...>/login[...]}: under auth/, with a later segment that starts with "login". */
    static boolean isLogin(final String path) {
        return path.startsWith("auth/") && loginSegment(path.split("/")) > 0;
    }

    /** The index of the first segment after the mount's first that starts with "login", or -1. */
    private static int loginSegment(final String[] segments) {
        for (int i = 2; i < segments.length; i++) {
            if (segments[i].startsWith("login")) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The secret a request path is about. With {@code request.mount_point} (newer Vault), the KV v2 API segment after
     * it is dropped; without it, on a {@code kv} mount or when the mount type is not logged, the second segment is
     * taken as the KV v2 API segment when it is one of data, metadata, delete, undelete, destroy.
     */
    static String logicalPath(final String path, final String mountType, final String mountPoint) {
        if (mountType != null && !mountType.equals("kv")) {
            return path;
        }
        if (mountPoint != null && path.startsWith(mountPoint)) {
            final String mount = mountPoint.endsWith("/") ? mountPoint : mountPoint + "/";
            final String rest = path.substring(Math.min(path.length(), mount.length()));
            final int slash = rest.indexOf('/');
            return slash > 0 && KV2_API.contains(rest.substring(0, slash)) ? mount + rest.substring(slash + 1) : path;
        }
        final String[] parts = path.split("/", 3);
        return parts.length == 3 && KV2_API.contains(parts[1]) ? parts[0] + "/" + parts[2] : path;
    }

    /** A shipper's envelope (Filebeat's {@code message}, Fluent Bit's {@code log}) holding the audit line as text. */
    private static JsonNode unwrapped(final JsonNode root) {
        if (root.has("type")) {
            return root;
        }
        for (final String field : List.of("message", "log")) {
            final String line = text(root, field);
            if (line != null && line.strip().startsWith("{")) {
                return Adapters.object(Adapters.parse(line), SourceFormat.VAULT_AUDIT);
            }
        }
        return root;
    }

    private static Instant timeOrNull(final JsonNode root) {
        try {
            return EventTimes.iso(root.path("time"), "time");
        } catch (final InvalidEventException e) {
            return null;
        }
    }
}
