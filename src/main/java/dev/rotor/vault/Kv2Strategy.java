package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.config.TargetEntry.Quarantine;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kv2} (DESIGN.md §4): regenerate some fields of a KV v2 secret, keep the others — exactly once per command,
 * across crashes, task moves and two runs of the same command at the same time. The intent is recorded in the key's
 * {@code custom_metadata} before anything changes, and recognised on replay:
 *
 * <ol>
 *   <li>The command id must be at most 128 characters of {@code [A-Za-z0-9._:-]}; otherwise FAILED before any call.
 *   <li>Read {@code {mount}/data/{path}} (missing → FAILED, never created; latest version deleted or destroyed →
 *       FAILED) with its {@code custom_metadata} ({@code {mount}/metadata/{path}} too on Vault before 1.9).
 *   <li>The marker names this command with {@code rotor_state=rotated} (or is a marker of the earlier protocol,
 *       {@code rotor_command_id} alone) → ALREADY_APPLIED, nothing written.
 *   <li>It names this command with {@code rotor_state=pending} and {@code rotor_replaces_version=R}: current version
 *       {@code > R} and version R+1 changed every rotated field of R (or R is no longer readable, which rotor's own
 *       quarantine causes only after its write landed) → the write landed before a crash; the remaining steps
 *       (quarantine of R, done marker) are finished and the result is ALREADY_APPLIED (R → R+1). Current version
 *       {@code == R} → the write did not land: it is made now with {@code cas=R} (the ALREADY_MITIGATED check was made
 *       before the intent). Version R+1 exists but did not change the fields → someone else wrote it: rotate on top of
 *       it (a new intent first).
 *   <li>Otherwise, unless manual: the current version written after the trigger (the version's {@code created_time},
 *       falling back to the metadata's {@code updated_time}) and holding in every rotated field another value than the
 *       version current at the trigger's time (or no version existed then) → ALREADY_MITIGATED; a copy of the leaked
 *       value, or a trigger-time version that can no longer be read, is rotated. Then the intent is written: existing
 *       keys kept, plus {@code rotor_command_id}, {@code rotor_state=pending}, {@code rotor_replaces_version} = the
 *       version read, {@code rotor_intent_at} (retried like any idempotent write; if it cannot be written — 403, 400
 *       too many keys, deadline — FAILED, nothing changed).
 *   <li>The point of no return; the data write with {@code options.cas} = R. CAS mismatch → re-read: a version holding
 *       the values generated here is this run's write; a version R+1 that changed every rotated field while the marker
 *       still names this command is another run of the same command → applied, finish the steps. Otherwise a concurrent
 *       writer: the intent is rewritten with the new R and the write retried once, merged onto what was re-read so the
 *       other writer's fields survive. A timeout or 5xx → read back first the same way; otherwise the write is re-sent
 *       with the same CAS, which Vault applies at most once.
 *   <li>Quarantine of the replaced version(s) ({@code delete} by default, {@code destroy}, or {@code none};
 *       idempotent), then the done marker: {@code rotor_state=rotated}, {@code rotor_new_version}, {@code rotated_at},
 *       {@code rotated_by=rotor}, {@code reason}. Done comes last, so a crash before it redoes the quarantine on
 *       replay. If either still fails after retries the result is ROTATED_INCOMPLETE naming the step (a failed
 *       quarantine leaves the marker pending, so a replay retries it).
 * </ol>
 *
 * Every marker value is printable ASCII of at most 512 bytes (Vault's limit), independent of what an event's sender
 * wrote: the reason is sanitised and capped. Generated values never leave this class except in the write to Vault.
 */
final class Kv2Strategy implements RotationStrategy {
    private static final Logger LOG = LoggerFactory.getLogger(Kv2Strategy.class);
    private static final List<String> SECRET_WORDS = List.of("password", "secret", "token", "api_key");
    static final int MAX_METADATA_VALUE = 512;
    static final Pattern COMMAND_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    static final String KEY_COMMAND_ID = "rotor_command_id";
    static final String KEY_STATE = "rotor_state";
    static final String KEY_REPLACES = "rotor_replaces_version";
    static final String KEY_INTENT_AT = "rotor_intent_at";
    static final String KEY_NEW_VERSION = "rotor_new_version";
    static final String STATE_PENDING = "pending";
    static final String STATE_ROTATED = "rotated";

    /** The key's API paths. */
    private record Paths(String mount, String rest, String data, String metadata) {}

    /**
     * The latest version as read: its data (values!) stay in memory only; {@code written} is when the secret last
     * changed; {@code custom} is the key's custom_metadata.
     */
    private record Current(long version, ObjectNode data, Instant written, Map<String, String> custom) {
        @Override
        public String toString() {
            return "Current[version=" + version + "]";
        }
    }

    /** What custom_metadata says about one command. */
    private record Marker(State state, long replaces, long newVersion) {
        enum State {
            NONE,
            PENDING,
            DONE,
            MALFORMED
        }

        static Marker of(final Map<String, String> custom, final String commandId) {
            if (!commandId.equals(custom.get(KEY_COMMAND_ID))) {
                return new Marker(State.NONE, 0, 0);
            }
            final String state = custom.get(KEY_STATE);
            final long replaces = versionNumber(custom.get(KEY_REPLACES));
            final long newVersion = versionNumber(custom.get(KEY_NEW_VERSION));
            if (state == null || STATE_ROTATED.equals(state)) {
                return new Marker(State.DONE, replaces, newVersion); // no state: a marker of the earlier protocol
            }
            if (STATE_PENDING.equals(state) && replaces > 0) {
                return new Marker(State.PENDING, replaces, 0);
            }
            return new Marker(State.MALFORMED, 0, 0);
        }
    }

    /** A version number as Vault's JSON keys and rotor's markers write it; 0 (no version) when absent or not one. */
    private static long versionNumber(final String s) {
        try {
            return s == null ? 0 : Long.parseLong(s);
        } catch (final NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The data write's result: the version it replaced, the new one, and whether another run of this command made it.
     */
    private record Written(long replaced, long newVersion, long firstBase, boolean byAnotherRun) {}

    @Override
    public String name() {
        return "kv2";
    }

    @Override
    public Result rotate(final RotationRun run, final TargetSpec spec, final String secretPath) throws RotationFailure {
        final RotationRequest request = run.request();
        final String commandId = request.commandId();
        if (commandId == null || !COMMAND_ID.matcher(commandId).matches()) {
            throw new RotationFailure("command id is not a valid rotor command id (at most 128 characters of "
                    + "A-Z a-z 0-9 . _ : -); " + secretPath + " not rotated");
        }
        final String mount = spec.mountOf(secretPath);
        final String rest = spec.relativeOf(secretPath);
        final Paths paths = new Paths(mount, rest, mount + "/data/" + rest, mount + "/metadata/" + rest);

        final Current first = readCurrent(run, paths, secretPath);
        final Marker marker = Marker.of(first.custom(), commandId);
        switch (marker.state()) {
            case DONE -> {
                LOG.info(
                        "{}: command {} was already applied (custom_metadata); nothing written", secretPath, commandId);
                return new Result(
                        RotationOutcome.Kind.ALREADY_APPLIED,
                        marker.replaces() > 0 ? marker.replaces() : null,
                        marker.newVersion() > 0 ? marker.newVersion() : first.version());
            }
            case MALFORMED ->
                throw new RotationFailure("the custom_metadata of " + secretPath + " names command "
                        + commandId + " but is not a valid rotor marker (" + KEY_STATE + ", " + KEY_REPLACES
                        + "); not rotated");
            case PENDING -> {
                return replay(run, spec, paths, secretPath, first, marker.replaces());
            }
            default -> {
                if (!request.manual()
                        && request.triggerTime() != null
                        && first.written() != null
                        && first.written().isAfter(request.triggerTime())
                        && changedSinceTrigger(run, spec, paths, secretPath, first, request.triggerTime())) {
                    return new Result(RotationOutcome.Kind.ALREADY_MITIGATED, first.version(), first.version());
                }
                final Map<String, String> custom =
                        recordIntent(run, paths, secretPath, first.custom(), commandId, first.version());
                return writeAndFinish(run, spec, paths, secretPath, withCustom(first, custom));
            }
        }
    }

    /** A pending marker of this command, replacing version {@code r}: find out whether its write landed. */
    private static Result replay(
            final RotationRun run,
            final TargetSpec spec,
            final Paths paths,
            final String secretPath,
            final Current current,
            final long r)
            throws RotationFailure {
        final String commandId = run.request().commandId();
        if (current.version() == r) {
            LOG.info(
                    "{}: command {} recorded its intent to replace version {}, which is still current; writing now",
                    secretPath,
                    commandId,
                    r);
            return writeAndFinish(run, spec, paths, secretPath, current);
        }
        if (current.version() < r) {
            throw new RotationFailure("the custom_metadata of " + secretPath + " says command " + commandId
                    + " replaces version " + r + ", but the current version is " + current.version()
                    + " (was the secret deleted and re-created?); not rotated");
        }
        if (rotatedSince(run, spec, paths, secretPath, r, null, current)) {
            LOG.info(
                    "{}: the write of command {} (version {} -> {}) landed before a restart; finishing its steps",
                    secretPath,
                    commandId,
                    r,
                    r + 1);
            return finish(run, spec, paths, secretPath, new Written(r, r + 1, r, true), current.custom());
        }
        LOG.info(
                "{}: version {} was written by someone else after command {} recorded its intent, without changing "
                        + "the rotated fields; rotating on top of it",
                secretPath,
                current.version(),
                commandId);
        final Map<String, String> custom =
                recordIntent(run, paths, secretPath, current.custom(), commandId, current.version());
        return writeAndFinish(run, spec, paths, secretPath, withCustom(current, custom));
    }

    private static Result writeAndFinish(
            final RotationRun run,
            final TargetSpec spec,
            final Paths paths,
            final String secretPath,
            final Current base)
            throws RotationFailure {
        final List<String> fields = fieldsToRotate(spec, base.data(), secretPath);
        final Map<String, String> generated = new LinkedHashMap<>();
        for (final String f : fields) {
            generated.put(f, spec.generator().generate());
        }
        final AtomicReference<Map<String, String>> latestCustom = new AtomicReference<>(base.custom());
        final Written written;
        try {
            written = writeNewVersion(run, spec, paths, secretPath, base, generated, latestCustom);
        } catch (final RotationFailure f) {
            if (run.changing()
                    && f.kind() == RotationOutcome.Kind.FAILED
                    && f.vaultError() != null
                    && (f.vaultError().isTransient() || f.vaultError().kind() == VaultCallException.Kind.INTERRUPTED)) {
                throw f.explained(f.getMessage() + "; whether the new version of " + secretPath + " was written is "
                        + "unknown (a replay of this command finds out and finishes it)");
            }
            throw f;
        }
        return finish(run, spec, paths, secretPath, written, latestCustom.get());
    }

    /** Quarantine, then the done marker; ROTATED_INCOMPLETE naming the step if one still fails after retries. */
    private static Result finish(
            final RotationRun run,
            final TargetSpec spec,
            final Paths paths,
            final String secretPath,
            final Written w,
            final Map<String, String> custom) {
        final RotationOutcome.Kind done =
                w.byAnotherRun() ? RotationOutcome.Kind.ALREADY_APPLIED : RotationOutcome.Kind.ROTATED;
        final String rotated =
                secretPath + " was rotated (version " + w.replaced() + " -> " + w.newVersion() + "), but ";
        try {
            quarantine(run, spec, paths, w.firstBase(), w.replaced());
        } catch (final RotationFailure f) {
            LOG.warn("{}the replaced version could not be quarantined: {}", rotated, f.getMessage());
            return new Result(
                    RotationOutcome.Kind.ROTATED_INCOMPLETE,
                    w.replaced(),
                    w.newVersion(),
                    rotated + "quarantine (" + spec.quarantine().name().toLowerCase(Locale.ROOT)
                            + " of the replaced version) failed: " + f.getMessage());
        }
        try {
            recordDone(run, paths, custom, w);
        } catch (final RotationFailure f) {
            LOG.warn("{}the rotation marker could not be recorded: {}", rotated, f.getMessage());
            return new Result(
                    RotationOutcome.Kind.ROTATED_INCOMPLETE,
                    w.replaced(),
                    w.newVersion(),
                    rotated + "recording it in custom_metadata failed: " + f.getMessage());
        }
        return new Result(done, w.replaced(), w.newVersion());
    }

    // ------------------------------------------------------------------------------------------------- reading

    private static Current readCurrent(final RotationRun run, final Paths paths, final String secretPath)
            throws RotationFailure {
        final VaultResponse r = run.readAllowingNotFound(paths.data());
        final JsonNode meta = r.data().path("metadata");
        if (!r.found()) {
            if (meta.isObject()) {
                final String state = meta.path("destroyed").asBoolean(false) ? "destroyed" : "deleted";
                throw new RotationFailure(
                        "the latest version (" + meta.path("version").asLong() + ") of " + secretPath + " is " + state
                                + "; not rotated (undelete it or write a new version first)");
            }
            throw new RotationFailure(paths.data() + " not found; the secret is not created by rotation");
        }
        final JsonNode data = r.data().path("data");
        if (!data.isObject() || !meta.path("version").canConvertToLong()) {
            throw new RotationFailure("unexpected answer from " + paths.data() + " (no data or version)");
        }
        final Instant created = time(meta.path("created_time").asText(""));
        JsonNode custom = meta.path("custom_metadata");
        Instant written = created;
        if (custom.isMissingNode() || created == null) {
            // Vault before 1.9 returns no custom_metadata with the data: the metadata endpoint has it
            final JsonNode metadata = run.read(paths.metadata()).data();
            custom = metadata.path("custom_metadata");
            if (written == null) {
                written = time(metadata.path("updated_time").asText(""));
            }
        }
        return new Current(meta.path("version").asLong(), (ObjectNode) data, written, strings(custom));
    }

    private static Map<String, String> strings(final JsonNode custom) {
        final Map<String, String> out = new LinkedHashMap<>();
        if (custom.isObject()) {
            custom.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }

    private static Current withCustom(final Current c, final Map<String, String> custom) {
        return new Current(c.version(), c.data(), c.written(), custom);
    }

    /**
     * Whether version {@code r + 1} changed every rotated field of version {@code r}: the sign of a rotation (CAS
     * guarantees r + 1 was written against r). A version {@code r} that can no longer be read (deleted, destroyed,
     * pruned) counts as rotated: rotor quarantines a version only after its own write landed.
     *
     * @param before version r's data when still in memory, else null (it is read)
     */
    private static boolean rotatedSince(
            final RotationRun run,
            final TargetSpec spec,
            final Paths paths,
            final String secretPath,
            final long r,
            final ObjectNode before,
            final Current now)
            throws RotationFailure {
        ObjectNode old = before;
        if (old == null) {
            final VaultResponse v = run.readVersionAllowingNotFound(paths.data(), r);
            if (!v.found() || !v.data().path("data").isObject()) {
                return true;
            }
            old = (ObjectNode) v.data().path("data");
        }
        ObjectNode next = now.version() == r + 1 ? now.data() : null;
        if (next == null) {
            final VaultResponse v = run.readVersionAllowingNotFound(paths.data(), r + 1);
            if (!v.found() || !v.data().path("data").isObject()) {
                return true;
            }
            next = (ObjectNode) v.data().path("data");
        }
        for (final String f : fieldsToRotate(spec, old, secretPath)) {
            final JsonNode a = old.get(f);
            final JsonNode b = next.get(f);
            if (b == null || b.equals(a)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The evidence for ALREADY_MITIGATED: the current version, written after the trigger, holds in every rotated field
     * a value other than the version that was current at the trigger's time. A newer version alone is not enough: it
     * may be a copy of the leaked value, or an attacker's write of it. When the version of the trigger's time cannot be
     * read (deleted, destroyed, pruned), nothing proves the value changed, so the secret is rotated. A secret that had
     * no version yet at the trigger's time cannot hold what leaked then. Values are compared here and never logged.
     */
    private static boolean changedSinceTrigger(
            final RotationRun run,
            final TargetSpec spec,
            final Paths paths,
            final String secretPath,
            final Current current,
            final Instant triggerTime)
            throws RotationFailure {
        final JsonNode versions = run.read(paths.metadata()).data().path("versions");
        long atTrigger = 0;
        for (final Map.Entry<String, JsonNode> v : versions.properties()) {
            final Instant created = time(v.getValue().path("created_time").asText(""));
            final long number = versionNumber(v.getKey());
            if (created != null && !created.isAfter(triggerTime) && number > atTrigger && number < current.version()) {
                atTrigger = number;
            }
        }
        if (atTrigger == 0) {
            LOG.info(
                    "{}: version {} was written at {}, after the trigger at {}, and no version existed before it; "
                            + "not rotated",
                    secretPath,
                    current.version(),
                    current.written(),
                    triggerTime);
            return true;
        }
        final VaultResponse then = run.readVersionAllowingNotFound(paths.data(), atTrigger);
        if (!then.found() || !then.data().path("data").isObject()) {
            LOG.info(
                    "{}: version {} was written after the trigger, but version {} (current at the trigger) cannot be "
                            + "read to prove the value changed; rotating",
                    secretPath,
                    current.version(),
                    atTrigger);
            return false;
        }
        final ObjectNode old = (ObjectNode) then.data().path("data");
        final List<String> same = new ArrayList<>();
        for (final String f : fieldsToRotate(spec, current.data(), secretPath)) {
            final JsonNode before = old.get(f);
            if (before != null && before.equals(current.data().get(f))) {
                same.add(f);
            }
        }
        if (same.isEmpty()) {
            LOG.info(
                    "{}: version {} was written at {}, after the trigger at {}, and changed every rotated field of "
                            + "version {}; not rotated",
                    secretPath,
                    current.version(),
                    current.written(),
                    triggerTime,
                    atTrigger);
            return true;
        }
        LOG.info(
                "{}: version {} was written after the trigger but still holds version {}'s value in {}; rotating",
                secretPath,
                current.version(),
                atTrigger,
                listOf(new TreeSet<>(same)));
        return false;
    }

    private static Instant time(final String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                    .toInstant();
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
            final List<String> missing =
                    spec.fields().stream().filter(f -> !names.contains(f)).toList();
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

    private static String listOf(final SortedSet<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    // ------------------------------------------------------------------------------------------------- writing

    /**
     * Writes the new version with CAS; see the class comment for the conflict/timeout rules. {@code latestCustom} is
     * kept up to date with the custom_metadata last written or read, for the done marker.
     */
    private static Written writeNewVersion(
            final RotationRun run,
            final TargetSpec spec,
            final Paths paths,
            final String secretPath,
            final Current first,
            final Map<String, String> generated,
            final AtomicReference<Map<String, String>> latestCustom)
            throws RotationFailure {
        final String commandId = run.request().commandId();
        Current base = first;
        boolean reread = false;
        final Backoff.Sequence delays = run.delays();
        while (true) {
            final ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.putObject("options").put("cas", base.version());
            final ObjectNode data = base.data().deepCopy();
            generated.forEach(data::put);
            body.set("data", data);
            run.beginChange();
            final VaultCallException failure;
            try {
                final VaultResponse r = run.writeOnce(paths.data(), body);
                final JsonNode v = r.data().path("version");
                return new Written(
                        base.version(),
                        v.canConvertToLong() && v.asLong() > 0 ? v.asLong() : base.version() + 1,
                        first.version(),
                        false);
            } catch (final VaultCallException e) {
                failure = e;
            }
            final boolean casMismatch = failure.kind() == VaultCallException.Kind.CAS_MISMATCH;
            if (!casMismatch && !failure.isTransient() && failure.kind() != VaultCallException.Kind.INTERRUPTED) {
                throw RotationFailure.of(failure); // refused: nothing was written
            }
            // the write may or may not have been applied (or someone else's was): look before deciding
            final Current now = readCurrent(run, paths, secretPath);
            latestCustom.set(now.custom());
            if (ours(now, generated)) {
                if (!casMismatch) {
                    LOG.info(
                            "{}: the write that failed ({}) was applied as version {}",
                            secretPath,
                            failure.getMessage(),
                            now.version());
                }
                return new Written(now.version() - 1, now.version(), first.version(), false);
            }
            final Marker m = Marker.of(now.custom(), commandId);
            if ((m.state() == Marker.State.PENDING || m.state() == Marker.State.DONE)
                    && now.version() > base.version()
                    && rotatedSince(run, spec, paths, secretPath, base.version(), base.data(), now)) {
                LOG.info(
                        "{}: another run of command {} wrote version {} first; finishing",
                        secretPath,
                        commandId,
                        base.version() + 1);
                return new Written(base.version(), base.version() + 1, first.version(), true);
            }
            if (casMismatch || now.version() != base.version()) {
                if (reread) {
                    throw new RotationFailure(
                            "check-and-set conflict on " + paths.data()
                                    + " again after re-reading; a concurrent writer keeps changing " + secretPath,
                            failure);
                }
                LOG.info(
                        "{}: changed concurrently (now version {}); re-read, retrying once", secretPath, now.version());
                reread = true;
                latestCustom.set(recordIntent(run, paths, secretPath, now.custom(), commandId, now.version()));
                base = withCustom(now, latestCustom.get());
                if (casMismatch) {
                    continue;
                }
            }
            run.pause(delays, failure);
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

    /**
     * The intent: existing keys + {@code rotor_command_id}, {@code rotor_state=pending},
     * {@code rotor_replaces_version}, {@code rotor_intent_at} (a metadata POST replaces the whole map). Returns the map
     * written.
     */
    private static Map<String, String> recordIntent(
            final RotationRun run,
            final Paths paths,
            final String secretPath,
            final Map<String, String> existing,
            final String commandId,
            final long replaces)
            throws RotationFailure {
        final Map<String, String> custom = new LinkedHashMap<>(existing);
        custom.remove(KEY_NEW_VERSION); // belongs to an earlier rotation
        custom.put(KEY_COMMAND_ID, commandId);
        custom.put(KEY_STATE, STATE_PENDING);
        custom.put(KEY_REPLACES, Long.toString(replaces));
        custom.put(KEY_INTENT_AT, now());
        try {
            run.writeIdempotent(paths.metadata(), customMetadataBody(custom));
        } catch (final RotationFailure f) {
            if (f.kind() != RotationOutcome.Kind.FAILED || run.changing()) {
                throw f;
            }
            throw f.explained("the rotation intent could not be recorded in the custom_metadata of " + secretPath + " ("
                    + f.getMessage() + "); nothing was changed");
        }
        return custom;
    }

    /** The done marker: the latest map + state rotated, new version, rotated_at, rotated_by, reason. */
    private static void recordDone(
            final RotationRun run, final Paths paths, final Map<String, String> existing, final Written w)
            throws RotationFailure {
        final RotationRequest request = run.request();
        final Map<String, String> custom = new LinkedHashMap<>(existing);
        custom.put(KEY_COMMAND_ID, request.commandId());
        custom.put(KEY_STATE, STATE_ROTATED);
        custom.put(KEY_REPLACES, Long.toString(w.replaced()));
        custom.put(KEY_NEW_VERSION, Long.toString(w.newVersion()));
        custom.put("rotated_at", now());
        custom.put("rotated_by", "rotor");
        custom.put("reason", metadataValue(request.reason(), "unspecified"));
        run.writeIdempotent(paths.metadata(), customMetadataBody(custom));
    }

    private static ObjectNode customMetadataBody(final Map<String, String> custom) {
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        final ObjectNode map = body.putObject("custom_metadata");
        custom.forEach(map::put);
        return body;
    }

    private static String now() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    /**
     * A custom_metadata value rotor writes from text it did not choose (the reason): printable ASCII only (control
     * characters and white space become one space, anything else outside ASCII {@code ?}), trimmed, at most 512 bytes
     * (Vault's limit; ASCII, so characters and bytes agree); {@code fallback} when nothing is left.
     */
    static String metadataValue(final String value, final String fallback) {
        if (value == null) {
            return fallback;
        }
        final StringBuilder b = new StringBuilder(Math.min(value.length(), MAX_METADATA_VALUE));
        boolean space = false;
        for (int i = 0; i < value.length() && b.length() < MAX_METADATA_VALUE; ) {
            final int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (c <= 0x20 || c == 0x7f || Character.isWhitespace(c) || Character.isISOControl(c)) {
                space = b.length() > 0;
                continue;
            }
            if (space) {
                b.append(' ');
                space = false;
                if (b.length() >= MAX_METADATA_VALUE) {
                    break;
                }
            }
            b.append(c < 0x7f ? (char) c : '?');
        }
        final String s = b.toString().trim();
        return s.isEmpty() ? fallback : s;
    }

    /**
     * Quarantines every version replaced during this rotation: normally just the one read; after a concurrent write
     * also the other writer's version, which still carried the compromised values.
     */
    private static void quarantine(
            final RotationRun run,
            final TargetSpec spec,
            final Paths paths,
            final long firstVersion,
            final long replaced)
            throws RotationFailure {
        if (spec.quarantine() == Quarantine.NONE || replaced < 1) {
            return;
        }
        final String op = spec.quarantine() == Quarantine.DESTROY ? "destroy" : "delete";
        final ObjectNode body = JsonNodeFactory.instance.objectNode();
        final ArrayNode versions = body.putArray("versions");
        for (long v = Math.max(1, Math.min(firstVersion, replaced)); v <= replaced; v++) {
            versions.add(v);
        }
        run.writeIdempotent(paths.mount() + "/" + op + "/" + paths.rest(), body);
    }
}
