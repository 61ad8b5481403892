package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kv2} (DESIGN.md §4): regenerate some fields of a KV v2 secret, keep the others.
 * <ol>
 *   <li>Read {@code {mount}/data/{path}} (missing → FAILED, never created; latest version deleted or destroyed →
 *       FAILED) and {@code {mount}/metadata/{path}}.</li>
 *   <li>{@code custom_metadata.rotor_command_id} = this command → ALREADY_APPLIED (a replay after a crash). Unless
 *       manual: current version written after the trigger → ALREADY_MITIGATED. The write time is the current version's
 *       {@code created_time} (what "the secret changed" means), falling back to the metadata's {@code updated_time},
 *       which also moves on metadata-only writes.</li>
 *   <li>Write new values with {@code options.cas} = the version read. CAS mismatch → re-read and retry once, merging
 *       onto what was re-read so a concurrent writer's other fields survive. A timeout or 5xx → read back first: a
 *       version holding the values generated here (kept only in memory) is this rotation's write; otherwise the write
 *       is re-sent with the same CAS, which Vault applies at most once.</li>
 *   <li>Past that point the secret has changed: {@code custom_metadata} gets {@code rotated_at}, {@code rotated_by},
 *       {@code rotor_command_id}, {@code reason} (existing keys kept), then the replaced version(s) are quarantined
 *       ({@code delete} by default, {@code destroy}, or {@code none}). These steps are retried blindly (they are
 *       idempotent); if they still fail the outcome stays ROTATED and a warning is logged (the calls list shows it).</li>
 * </ol>
 * Generated values never leave this class except in the write to Vault.
 */
final class Kv2Strategy implements RotationStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(Kv2Strategy.class);
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "token", "api_key");
    private static final int MAX_METADATA_VALUE = 512;

    /** One read of the secret's current version: its data (values!) stay in memory only. */
    /** The latest version as the data read returned it; {@code custom} is missing when Vault predates 1.9. */
    private record Current(long version, ObjectNode data, Instant createdTime, JsonNode custom) {
    }

    @Override
    public String name() {
        return "kv2";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        final RotationRequest request = run.request();
        final String mount = spec.mountOf(secretPath);
        final String rest = spec.relativeOf(secretPath);
        final String dataPath = mount + "/data/" + rest;
        final String metadataPath = mount + "/metadata/" + rest;

        final Current first = readCurrent(run, dataPath, secretPath);
        // Vault 1.9+ returns custom_metadata with the data; only older servers need the metadata read
        final JsonNode metadata = !first.custom().isMissingNode() && first.createdTime() != null
                ? null : run.read(metadataPath).data();
        final JsonNode custom = metadata == null ? first.custom() : metadata.path("custom_metadata");
        if (request.commandId() != null && request.commandId().equals(custom.path("rotor_command_id").asText(null))) {
            LOG.info("{}: command {} was already applied (custom_metadata.rotor_command_id); nothing written",
                    secretPath, request.commandId());
            return new Result(RotationOutcome.Kind.ALREADY_APPLIED, null,
                    metadata != null && metadata.path("current_version").canConvertToLong()
                            ? metadata.path("current_version").asLong() : first.version());
        }
        if (!request.manual() && request.triggerTime() != null) {
            final Instant written = first.createdTime() != null ? first.createdTime()
                    : time(metadata.path("updated_time").asText(""));
            if (written != null && written.isAfter(request.triggerTime())) {
                LOG.info("{}: version {} was written at {}, after the trigger at {}; not rotated", secretPath,
                        first.version(), written, request.triggerTime());
                return new Result(RotationOutcome.Kind.ALREADY_MITIGATED, first.version(), first.version());
            }
        }

        final List<String> fields = fieldsToRotate(spec, first.data(), secretPath);
        final Map<String, String> generated = new LinkedHashMap<>();
        for (final String f : fields) {
            generated.put(f, spec.generator().generate());
        }

        final long newVersion = writeNewVersion(run, dataPath, secretPath, first, generated);
        run.finishing();
        final long oldVersion = newVersion - 1;

        recordRotation(run, metadataPath, custom, request, secretPath);
        quarantine(run, spec, mount, rest, secretPath, first.version(), oldVersion);
        return Result.rotated(oldVersion, newVersion);
    }

    // ------------------------------------------------------------------------------------------------- reading

    private static Current readCurrent(final RotationRun run, final String dataPath, final String secretPath)
            throws RotationFailure {
        final VaultResponse r = run.readAllowingNotFound(dataPath);
        final JsonNode meta = r.data().path("metadata");
        if (!r.found()) {
            if (meta.isObject()) {
                final String state = meta.path("destroyed").asBoolean(false) ? "destroyed" : "deleted";
                throw new RotationFailure("the latest version (" + meta.path("version").asLong() + ") of "
                        + secretPath + " is " + state + "; not rotated (undelete it or write a new version first)");
            }
            throw new RotationFailure(dataPath + " not found; the secret is not created by rotation");
        }
        final JsonNode data = r.data().path("data");
        if (!data.isObject() || !meta.path("version").canConvertToLong()) {
            throw new RotationFailure("unexpected answer from " + dataPath + " (no data or version)");
        }
        return new Current(meta.path("version").asLong(), (ObjectNode) data, time(meta.path("created_time").asText("")),
                meta.path("custom_metadata"));
    }

    private static Instant time(final String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (final DateTimeParseException e) {
            return null;
        }
    }

    /** The target's {@code fields}, else {@code value}, else every field named like a credential. */
    static List<String> fieldsToRotate(final TargetSpec spec, final ObjectNode data, final String secretPath)
            throws RotationFailure {
        final TreeSet<String> names = new TreeSet<>();
        data.fieldNames().forEachRemaining(names::add);
        if (!spec.fields().isEmpty()) {
            final List<String> missing = spec.fields().stream().filter(f -> !names.contains(f)).toList();
            if (!missing.isEmpty()) {
                throw new RotationFailure("field(s) " + String.join(", ", missing) + " configured for " + secretPath
                        + " are not in the secret (its fields: " + listOf(names) + ")");
            }
            return spec.fields();
        }
        if (names.contains("value")) {
            return List.of("value");
        }
        final List<String> out = new ArrayList<>();
        for (final String n : names) {
            final String lower = n.toLowerCase(Locale.ROOT);
            if (SECRET_WORDS.stream().anyMatch(lower::contains)) {
                out.add(n);
            }
        }
        if (out.isEmpty()) {
            throw new RotationFailure("no field to rotate in " + secretPath + ": none is named value or contains "
                    + "password, secret, token or api_key (its fields: " + listOf(names)
                    + "); name them with fields: in rotation-targets.yaml");
        }
        return out;
    }

    private static String listOf(final TreeSet<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    // ------------------------------------------------------------------------------------------------- writing

    /** Writes the new version with CAS; returns its number. See the class comment for the conflict/timeout rules. */
    private static long writeNewVersion(final RotationRun run, final String dataPath, final String secretPath,
                                        final Current first, final Map<String, String> generated)
            throws RotationFailure {
        Current base = first;
        boolean reread = false;
        final Backoff.Sequence delays = run.delays();
        while (true) {
            final ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.putObject("options").put("cas", base.version());
            final ObjectNode data = base.data().deepCopy();
            generated.forEach(data::put);
            body.set("data", data);
            try {
                final VaultResponse r = run.writeOnce(dataPath, body);
                final JsonNode v = r.data().path("version");
                return v.canConvertToLong() && v.asLong() > 0 ? v.asLong() : base.version() + 1;
            } catch (final VaultCallException e) {
                if (e.kind() == VaultCallException.Kind.CAS_MISMATCH) {
                    final Current now = readCurrent(run, dataPath, secretPath);
                    if (ours(now, generated)) {
                        return now.version(); // an earlier attempt of ours landed late
                    }
                    if (reread) {
                        throw new RotationFailure("check-and-set conflict on " + dataPath
                                + " again after re-reading; a concurrent writer keeps changing " + secretPath, e);
                    }
                    LOG.info("{}: changed concurrently (now version {}); re-read, retrying once", secretPath,
                            now.version());
                    reread = true;
                    base = now;
                } else if (e.isTransient()) {
                    // the write may or may not have been applied: look before sending it again
                    final Current now = readCurrent(run, dataPath, secretPath);
                    if (ours(now, generated)) {
                        LOG.info("{}: the write that failed ({}) was applied as version {}", secretPath,
                                e.getMessage(), now.version());
                        return now.version();
                    }
                    if (now.version() != base.version()) {
                        if (reread) {
                            throw new RotationFailure("check-and-set conflict on " + dataPath
                                    + " again after re-reading; a concurrent writer keeps changing " + secretPath, e);
                        }
                        reread = true;
                        base = now;
                    }
                    run.pause(delays, e);
                } else {
                    throw RotationFailure.of(e);
                }
            }
        }
    }

    /** Whether this version holds the values generated by this rotation (random, so no false positives). */
    private static boolean ours(final Current current, final Map<String, String> generated) {
        for (final Map.Entry<String, String> e : generated.entrySet()) {
            final JsonNode v = current.data().get(e.getKey());
            if (v == null || !v.isTextual() || !v.asText().equals(e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** custom_metadata: existing keys + rotated_at, rotated_by, rotor_command_id, reason (a POST replaces the map). */
    private static void recordRotation(final RotationRun run, final String metadataPath, final JsonNode existing,
                                       final RotationRequest request, final String secretPath) {
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        final ObjectNode custom = body.putObject("custom_metadata");
        if (existing.isObject()) {
            for (final Iterator<Map.Entry<String, JsonNode>> it = existing.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> e = it.next();
                custom.put(e.getKey(), e.getValue().asText());
            }
        }
        custom.put("rotated_at", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        custom.put("rotated_by", "rotor");
        custom.put("rotor_command_id", metadataValue(request.commandId(), "unknown"));
        custom.put("reason", metadataValue(request.reason(), "unspecified"));
        try {
            run.writeIdempotent(metadataPath, body);
        } catch (final RotationFailure f) {
            LOG.warn("{} was rotated, but its custom_metadata could not be recorded: {}", secretPath, f.getMessage());
        }
    }

    /** Vault accepts 1..512 printable characters per custom_metadata value. */
    static String metadataValue(final String value, final String fallback) {
        final String s = value == null ? "" : value.codePoints()
                .map(c -> Character.isISOControl(c) || !Character.isDefined(c) ? ' ' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString().trim();
        if (s.isEmpty()) {
            return fallback;
        }
        return s.length() > MAX_METADATA_VALUE ? s.substring(0, MAX_METADATA_VALUE) : s;
    }

    /**
     * Quarantines every version replaced during this rotation: normally just the one read; after a concurrent write
     * also the other writer's version, which still carried the compromised values.
     */
    private static void quarantine(final RotationRun run, final TargetSpec spec, final String mount, final String rest,
                                   final String secretPath, final long firstVersion, final long oldVersion) {
        if (spec.quarantine() == TargetSpec.Quarantine.NONE || oldVersion < 1) {
            return;
        }
        final String op = spec.quarantine() == TargetSpec.Quarantine.DESTROY ? "destroy" : "delete";
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        final ArrayNode versions = body.putArray("versions");
        for (long v = Math.max(1, Math.min(firstVersion, oldVersion)); v <= oldVersion; v++) {
            versions.add(v);
        }
        try {
            run.writeIdempotent(mount + "/" + op + "/" + rest, body);
        } catch (final RotationFailure f) {
            LOG.warn("{} was rotated, but the previous version could not be quarantined ({}): {}", secretPath, op,
                    f.getMessage());
        }
    }
}
