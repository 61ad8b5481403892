package dev.rotor.devvault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A KV version 2 secrets engine (one instance per mount). Versions, check-and-set, {@code cas_required},
 * {@code max_versions} pruning, soft delete / undelete / destroy, key metadata with {@code custom_metadata}, listing
 * and engine config behave as in Vault's KV plugin (see the contract README's "KV v2" rules).
 *
 * <p>One monitor guards the whole mount, which makes every check-and-set atomic with its write.
 */
final class Kv2Engine implements Engine {
    static final int DEFAULT_MAX_VERSIONS = 10;
    private static final Set<String> SECTIONS = Set.of("data", "metadata", "delete", "undelete", "destroy", "subkeys");

    private static final String ROOT_NOT_SUPPORTED =
            "Non-listing operations on the root of a K/V v2 mount are not supported.";
    private static final String CAS_MISMATCH = "check-and-set parameter did not match the current version";
    private static final String CAS_REQUIRED = "check-and-set parameter required for this call";
    private static final String CAS_UNPARSABLE = "error parsing check-and-set parameter";

    private static final class Version {
        final Instant created;
        Instant deletion;
        boolean destroyed;
        JsonNode data;

        Version(Instant created, JsonNode data) {
            this.created = created;
            this.data = data;
        }
    }

    private static final class Key {
        final Instant created;
        Instant updated;
        int current;
        int oldest;
        int maxVersions;
        boolean casRequired;
        long deleteVersionAfter;
        Map<String, String> custom;
        final TreeMap<Integer, Version> versions = new TreeMap<>();

        Key(Instant now) {
            this.created = now;
            this.updated = now;
        }
    }

    private final Clock clock;
    private int maxVersions;
    private boolean casRequired;
    private long deleteVersionAfter;
    private final Map<String, Key> keys = new HashMap<>();

    Kv2Engine(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String type() {
        return "kv";
    }

    @Override
    public synchronized boolean writeCreates(String rel) {
        int slash = rel.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String section = rel.substring(0, slash);
        return (section.equals("data") || section.equals("metadata")) && !keys.containsKey(rel.substring(slash + 1));
    }

    @Override
    public ApiResponse handle(ApiRequest req, String rel) {
        Operation op = req.operation();
        if (rel.equals("config")) {
            if (op == Operation.READ) {
                return readConfig();
            }
            return op == Operation.WRITE ? writeConfig(req) : ApiResponse.unsupportedOperation();
        }
        int slash = rel.indexOf('/');
        String section = slash < 0 ? rel : rel.substring(0, slash);
        String key = slash < 0 ? "" : rel.substring(slash + 1);
        if (!SECTIONS.contains(section)) {
            return ApiResponse.envelope(404, null)
                    .warning(String.format(
                            "Invalid path for a versioned K/V secrets engine. See the API docs "
                                    + "for the appropriate API endpoints to use. If using the Vault CLI, use "
                                    + "'vault kv %s' for this operation.",
                            op.kvCliVerb()));
        }
        if (key.isEmpty() && op != Operation.LIST) {
            return ApiResponse.envelope(404, null).warning(ROOT_NOT_SUPPORTED);
        }
        switch (section) {
            case "data" -> {
                switch (op) {
                    case READ:
                        return readData(req, key);
                    case WRITE:
                        return writeData(req, key);
                    case DELETE:
                        return deleteLatest(key);
                    case PATCH:
                        return patchData(req, key);
                    default:
                        return ApiResponse.unsupportedOperation();
                }
            }
            case "metadata" -> {
                switch (op) {
                    case READ:
                        return readMetadata(key);
                    case WRITE:
                        return writeMetadata(req, key, false);
                    case PATCH:
                        return writeMetadata(req, key, true);
                    case DELETE:
                        return deleteMetadata(key);
                    case LIST:
                        return list(key);
                    default:
                        return ApiResponse.unsupportedOperation();
                }
            }
            case "subkeys" -> {
                return op == Operation.READ ? readSubkeys(req, key) : ApiResponse.unsupportedOperation();
            }
            default -> {
                return op == Operation.WRITE ? changeVersions(req, section, key) : ApiResponse.unsupportedOperation();
            }
        }
    }

    // ---- config ----------------------------------------------------------------------------------------------

    private synchronized ApiResponse readConfig() {
        return ApiResponse.ok(Json.sorted(
                "cas_required", casRequired,
                "delete_version_after", Times.goDuration(deleteVersionAfter),
                "max_versions", maxVersions));
    }

    private ApiResponse writeConfig(ApiRequest req) {
        Long max = req.integer("max_versions");
        Boolean cas = req.bool("cas_required");
        Long dva = req.durationSeconds("delete_version_after");
        if (max != null && max < 0) {
            throw ApiRequest.invalid("max_versions", "must not be negative");
        }
        synchronized (this) {
            if (max != null) {
                maxVersions = max.intValue();
            }
            if (cas != null) {
                casRequired = cas;
            }
            if (dva != null) {
                deleteVersionAfter = dva;
            }
        }
        return ApiResponse.noContent();
    }

    synchronized void configure(int max, boolean cas, Duration deleteAfter) {
        maxVersions = max;
        casRequired = cas;
        deleteVersionAfter = Times.seconds(deleteAfter);
    }

    // ---- data ------------------------------------------------------------------------------------------------

    /** A version of a key as a read asks for it (0 or none: the current one). */
    private record Found(Key key, int number, Version version) {}

    /** The requested version of the key at {@code path}, or null when either does not exist (Vault: 404). */
    private Found find(String path, Long requested) {
        Key key = keys.get(path);
        if (key == null) {
            return null;
        }
        int number = requested == null || requested == 0 ? key.current : requested.intValue();
        Version v = key.versions.get(number);
        return v == null ? null : new Found(key, number, v);
    }

    private ApiResponse readData(ApiRequest req, String path) {
        return readVersion(req.integer("version"), path, "data", JsonNode::deepCopy);
    }

    /**
     * A read of one version (0 or none: the current one): {@code field} holds {@code value} of its data, and null when
     * the version is deleted or destroyed (then 404 with its metadata, as Vault answers).
     */
    private ApiResponse readVersion(Long requested, String path, String field, Function<JsonNode, Object> value) {
        synchronized (this) {
            Found found = find(path, requested);
            if (found == null) {
                return ApiResponse.error(404);
            }
            Version v = found.version();
            Map<String, Object> metadata = versionMetadata(found.key(), found.number(), v);
            if (v.destroyed || isDeleted(v)) {
                return ApiResponse.envelope(404, Json.sorted(field, null, "metadata", metadata));
            }
            return ApiResponse.ok(Json.sorted(field, value.apply(v.data), "metadata", metadata));
        }
    }

    /** The request's {@code data} map, or null when it has none; anything but a map is refused (400). */
    private static JsonNode dataMap(ApiRequest req) {
        JsonNode data = req.field("data");
        if (data != null && !data.isObject()) {
            throw ApiRequest.invalid("data", "expected a map");
        }
        return data;
    }

    private ApiResponse writeData(ApiRequest req, String path) {
        JsonNode data = dataMap(req);
        if (data == null) {
            return ApiResponse.error(400, "no data provided");
        }
        Optional<Integer> cas = casOption(req);
        synchronized (this) {
            Key key = keys.get(path);
            ApiResponse refused = checkAndSet(key, cas);
            if (refused != null) {
                return refused;
            }
            int version = addVersion(path, data.deepCopy());
            return ApiResponse.ok(writeResult(keys.get(path), version));
        }
    }

    private ApiResponse patchData(ApiRequest req, String path) {
        JsonNode patch = dataMap(req);
        if (patch == null) {
            return ApiResponse.error(400, "no data provided");
        }
        Optional<Integer> cas = casOption(req);
        synchronized (this) {
            Key key = keys.get(path);
            Version current = key == null ? null : key.versions.get(key.current);
            if (current == null || current.destroyed || isDeleted(current)) {
                return ApiResponse.error(404);
            }
            ApiResponse refused = checkAndSet(key, cas);
            if (refused != null) {
                return refused;
            }
            JsonNode merged = mergePatch(current.data.deepCopy(), patch);
            int version = addVersion(path, merged);
            return ApiResponse.ok(writeResult(key, version));
        }
    }

    /** Parses {@code options.cas}: empty when not given; 400 when it is not an integer. */
    private static Optional<Integer> casOption(ApiRequest req) {
        JsonNode options = req.field("options");
        if (options == null) {
            return Optional.empty();
        }
        if (!options.isObject()) {
            throw ApiRequest.invalid("options", "expected a map");
        }
        JsonNode cas = options.get("cas");
        if (cas == null || cas.isNull()) {
            return Optional.empty();
        }
        if (cas.isIntegralNumber()) {
            return Optional.of(cas.asInt());
        }
        if (cas.isTextual() && cas.asText().trim().matches("-?\\d+")) {
            return Optional.of(Integer.parseInt(cas.asText().trim()));
        }
        throw ApiError.badRequest(CAS_UNPARSABLE);
    }

    /** The CAS rules of a data write; null when the write may go ahead. Caller holds the lock. */
    private ApiResponse checkAndSet(Key key, Optional<Integer> cas) {
        int current = key == null ? 0 : key.current;
        if (cas.isPresent()) {
            return cas.get() == current ? null : ApiResponse.error(400, CAS_MISMATCH);
        }
        if (casRequired || (key != null && key.casRequired)) {
            return ApiResponse.error(400, CAS_REQUIRED);
        }
        return null;
    }

    /** Appends a version, stamps {@code delete_version_after}, prunes past {@code max_versions}. Caller holds lock. */
    private int addVersion(String path, JsonNode data) {
        Instant now = clock.instant();
        Key key = keys.computeIfAbsent(path, p -> new Key(now));
        key.current++;
        Version v = new Version(now, data);
        long after = effectiveDeleteAfter(key);
        if (after > 0) {
            v.deletion = now.plusSeconds(after);
        }
        key.versions.put(key.current, v);
        key.updated = now;
        int keep =
                maxVersions > 0 || key.maxVersions > 0 ? Math.max(maxVersions, key.maxVersions) : DEFAULT_MAX_VERSIONS;
        boolean pruned = false;
        while (key.versions.size() > keep) {
            key.versions.pollFirstEntry();
            pruned = true;
        }
        if (pruned) {
            key.oldest = key.versions.firstKey();
        }
        return key.current;
    }

    /** Engine and key {@code delete_version_after}: a negative key value disables, the key may only shorten. */
    private long effectiveDeleteAfter(Key key) {
        if (key.deleteVersionAfter < 0) {
            return 0;
        }
        if (key.deleteVersionAfter == 0) {
            return Math.max(0, deleteVersionAfter);
        }
        return deleteVersionAfter > 0 ? Math.min(deleteVersionAfter, key.deleteVersionAfter) : key.deleteVersionAfter;
    }

    private ApiResponse deleteLatest(String path) {
        synchronized (this) {
            Key key = keys.get(path);
            Version v = key == null ? null : key.versions.get(key.current);
            if (v != null && !v.destroyed && !isDeleted(v)) {
                v.deletion = clock.instant();
            }
        }
        return ApiResponse.noContent();
    }

    /** {@code delete/}, {@code undelete/} and {@code destroy/} with {@code {"versions":[...]}}. */
    private ApiResponse changeVersions(ApiRequest req, String action, String path) {
        List<Long> versions = req.integers("versions");
        if (versions == null || versions.isEmpty()) {
            return ApiResponse.error(
                    400, action.equals("destroy") ? "no version number provided" : "No version number provided");
        }
        synchronized (this) {
            Key key = keys.get(path);
            if (key == null) {
                return ApiResponse.noContent();
            }
            Instant now = clock.instant();
            for (long number : versions) {
                Version v = key.versions.get((int) number);
                if (v == null) {
                    continue;
                }
                switch (action) {
                    case "delete" -> {
                        if (!v.destroyed && !isDeleted(v)) {
                            v.deletion = now;
                        }
                    }
                    case "undelete" -> {
                        if (!v.destroyed) {
                            v.deletion = null;
                        }
                    }
                    default -> {
                        v.destroyed = true;
                        v.data = null;
                    }
                }
            }
        }
        return ApiResponse.noContent();
    }

    private ApiResponse readSubkeys(ApiRequest req, String path) {
        Long requested = req.integer("version");
        req.field("depth");
        return readVersion(requested, path, "subkeys", Kv2Engine::subkeys);
    }

    private static JsonNode subkeys(JsonNode node) {
        ObjectNode out = Json.object();
        node.properties()
                .forEach(e -> out.set(
                        e.getKey(),
                        e.getValue().isObject() && e.getValue().size() > 0
                                ? subkeys(e.getValue())
                                : NullNode.instance));
        return out;
    }

    // ---- metadata --------------------------------------------------------------------------------------------

    private synchronized ApiResponse readMetadata(String path) {
        Key key = keys.get(path);
        if (key == null) {
            return ApiResponse.error(404);
        }
        Map<String, Object> versions = new TreeMap<>();
        key.versions.forEach((n, v) -> versions.put(
                String.valueOf(n),
                Json.sorted(
                        "created_time",
                        Times.rfc3339(v.created),
                        "deletion_time",
                        v.deletion == null ? "" : Times.rfc3339(v.deletion),
                        "destroyed",
                        v.destroyed)));
        return ApiResponse.ok(Json.sorted(
                "cas_required",
                key.casRequired,
                "created_time",
                Times.rfc3339(key.created),
                "current_version",
                key.current,
                "custom_metadata",
                customCopy(key),
                "delete_version_after",
                Times.goDuration(key.deleteVersionAfter),
                "max_versions",
                key.maxVersions,
                "oldest_version",
                key.oldest,
                "updated_time",
                Times.rfc3339(key.updated),
                "versions",
                versions));
    }

    /** Metadata POST (fields present replace, custom_metadata replaced whole) or PATCH (custom_metadata merged). */
    private ApiResponse writeMetadata(ApiRequest req, String path, boolean merge) {
        Long max = req.integer("max_versions");
        Boolean cas = req.bool("cas_required");
        Long dva = req.durationSeconds("delete_version_after");
        boolean customPresent = req.present("custom_metadata");
        JsonNode customRaw = req.field("custom_metadata");
        if (max != null && max < 0) {
            throw ApiRequest.invalid("max_versions", "must not be negative");
        }
        Map<String, String> custom = customRaw == null ? null : parseCustom(customRaw, merge);
        synchronized (this) {
            Instant now = clock.instant();
            Key existing = keys.get(path);
            if (merge && existing == null) {
                return ApiResponse.error(404);
            }
            Map<String, String> newCustom = null;
            if (customPresent) {
                newCustom = merge ? mergeCustom(existing.custom, custom) : custom;
                if (newCustom != null && newCustom.isEmpty()) {
                    newCustom = null;
                }
                if (newCustom != null) {
                    validateCustom(newCustom);
                }
            }
            Key key = existing != null ? existing : keys.computeIfAbsent(path, p -> new Key(now));
            if (max != null) {
                key.maxVersions = max.intValue();
            }
            if (cas != null) {
                key.casRequired = cas;
            }
            if (dva != null) {
                key.deleteVersionAfter = dva;
            }
            if (customPresent) {
                key.custom = newCustom;
            }
            key.updated = now;
            if (Boolean.FALSE.equals(cas) && casRequired) {
                return ApiResponse.ok(null)
                        .warning("\"cas_required\" set to false, but is mandated by backend "
                                + "config. This value will be ignored.");
            }
        }
        return ApiResponse.noContent();
    }

    /** Parses custom_metadata; in merge mode a null value means "remove this key". */
    private static Map<String, String> parseCustom(JsonNode raw, boolean merge) {
        if (!raw.isObject()) {
            throw ApiRequest.invalid("custom_metadata", "expected a map");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : raw.properties()) {
            JsonNode v = e.getValue();
            if (v.isNull() && merge) {
                out.put(e.getKey(), null);
            } else if (v.isValueNode() && !v.isNull()) {
                out.put(e.getKey(), v.asText());
            } else {
                throw ApiRequest.invalid("custom_metadata", "expected string values");
            }
        }
        if (!merge) {
            validateCustom(out);
        }
        return out;
    }

    private static Map<String, String> mergeCustom(Map<String, String> existing, Map<String, String> patch) {
        Map<String, String> out = existing == null ? new LinkedHashMap<>() : new LinkedHashMap<>(existing);
        if (patch != null) {
            patch.forEach((k, v) -> {
                if (v == null) {
                    out.remove(k);
                } else {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    /**
     * Vault's limits: at most 64 keys, key length 1..128, value length 1..512, printable characters only. Lengths are
     * UTF-8 bytes, as Go's {@code len} counts them: 512 characters of {@code é} are 1024 bytes and refused.
     */
    private static void validateCustom(Map<String, String> custom) {
        List<String> problems = new ArrayList<>();
        if (custom.size() > 64) {
            problems.add("payload must contain at most 64 keys, provided " + custom.size());
        }
        custom.forEach((k, v) -> {
            if (k.isEmpty() || utf8Length(k) > 128) {
                problems.add("length of key \"" + printableName(k) + "\" must be between 1 and 128");
            }
            if (v.isEmpty() || utf8Length(v) > 512) {
                problems.add("length of value for key \"" + printableName(k) + "\" must be between 1 and 512");
            }
            if (!printable(k)) {
                problems.add("key \"" + printableName(k) + "\" contains unprintable characters");
            }
            if (!printable(v)) {
                problems.add("value for key \"" + printableName(k) + "\" contains unprintable characters");
            }
        });
        if (!problems.isEmpty()) {
            Collections.sort(problems);
            throw ApiError.badRequest("custom_metadata validation failed: " + String.join("; ", problems));
        }
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static boolean printable(String s) {
        return s.codePoints().noneMatch(c -> Character.isISOControl(c) || !Character.isDefined(c));
    }

    private static String printableName(String key) {
        String shown = key.codePoints()
                .filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return shown.length() > 40 ? shown.substring(0, 40) + "..." : shown;
    }

    private ApiResponse deleteMetadata(String path) {
        synchronized (this) {
            keys.remove(path);
        }
        return ApiResponse.noContent();
    }

    private synchronized ApiResponse list(String prefix) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : keys.keySet()) {
            if (!key.startsWith(prefix) || key.length() == prefix.length()) {
                continue;
            }
            String rest = key.substring(prefix.length());
            int slash = rest.indexOf('/');
            names.add(slash < 0 ? rest : rest.substring(0, slash + 1));
        }
        if (names.isEmpty()) {
            return ApiResponse.error(404);
        }
        return ApiResponse.ok(Json.sorted("keys", new ArrayList<>(names)));
    }

    // ---- shared ----------------------------------------------------------------------------------------------

    private boolean isDeleted(Version v) {
        return v.deletion != null && !v.deletion.isAfter(clock.instant());
    }

    private static Map<String, String> customCopy(Key key) {
        return key.custom == null ? null : new TreeMap<>(key.custom);
    }

    private static Map<String, Object> versionMetadata(Key key, int number, Version v) {
        return Json.sorted(
                "created_time",
                Times.rfc3339(v.created),
                "custom_metadata",
                customCopy(key),
                "deletion_time",
                v.deletion == null ? "" : Times.rfc3339(v.deletion),
                "destroyed",
                v.destroyed,
                "version",
                number);
    }

    private static Map<String, Object> writeResult(Key key, int number) {
        return versionMetadata(key, number, key.versions.get(number));
    }

    /** RFC 7386 JSON merge patch. */
    private static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode out = target != null && target.isObject() ? (ObjectNode) target : Json.object();
        patch.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), mergePatch(out.get(e.getKey()), e.getValue()));
            }
        });
        return out;
    }

    // ---- Java API for DevVault -------------------------------------------------------------------------------

    /** Writes a new version without CAS checks (seeding). */
    synchronized int put(String path, JsonNode data) {
        return addVersion(path, data.deepCopy());
    }

    /** The current version's data, or empty when missing, deleted or destroyed. */
    synchronized Map<String, Object> readLatest(String path) {
        Key key = keys.get(path);
        Version v = key == null ? null : key.versions.get(key.current);
        if (v == null || v.destroyed || isDeleted(v)) {
            return Map.of();
        }
        return Json.toMap(v.data);
    }

    synchronized Optional<KvMetadata> metadata(String path) {
        Key key = keys.get(path);
        if (key == null) {
            return Optional.empty();
        }
        TreeMap<Integer, KvMetadata.VersionInfo> versions = new TreeMap<>();
        key.versions.forEach(
                (n, v) -> versions.put(n, new KvMetadata.VersionInfo(n, v.created, v.deletion, v.destroyed)));
        return Optional.of(new KvMetadata(
                key.current,
                key.oldest,
                key.created,
                key.updated,
                key.maxVersions,
                key.casRequired,
                Duration.ofSeconds(key.deleteVersionAfter),
                key.custom == null ? Map.of() : Map.copyOf(key.custom),
                Collections.unmodifiableSortedMap(versions)));
    }

    /** Sets a key's metadata; null arguments leave the field unchanged. Creates the key (version 0) if needed. */
    synchronized void writeKeyMetadata(
            String path, Integer max, Boolean cas, Duration deleteAfter, Map<String, String> custom) {
        Instant now = clock.instant();
        Key key = keys.computeIfAbsent(path, p -> new Key(now));
        if (max != null) {
            key.maxVersions = max;
        }
        if (cas != null) {
            key.casRequired = cas;
        }
        if (deleteAfter != null) {
            key.deleteVersionAfter = deleteAfter.toSeconds();
        }
        if (custom != null) {
            validateCustom(custom);
            key.custom = custom.isEmpty() ? null : new LinkedHashMap<>(custom);
        }
        key.updated = now;
    }

    /** Soft-deletes the given versions (the current one when none given). */
    synchronized void softDelete(String path, int... versions) {
        Key key = keys.get(path);
        if (key == null) {
            return;
        }
        int[] targets = versions.length == 0 ? new int[] {key.current} : versions;
        for (int n : targets) {
            Version v = key.versions.get(n);
            if (v != null && !v.destroyed && !isDeleted(v)) {
                v.deletion = clock.instant();
            }
        }
    }

    synchronized void destroy(String path, int... versions) {
        Key key = keys.get(path);
        if (key == null) {
            return;
        }
        for (int n : versions) {
            Version v = key.versions.get(n);
            if (v != null) {
                v.destroyed = true;
                v.data = null;
            }
        }
    }
}
