package dev.rotor.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.rotor.faults.Hostile.Expect;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Generates the fault suite's hostile inputs for {@code security-events}, deterministically (seeded): the families of
 * input that once stopped or misled rotor (bad magic byte, unknown and non-Avro schema ids, truncated Avro, invalid
 * JSON, deep nesting, 1 MiB fields, 10,000 paths in one event, every refused path shape, non-numeric / negative / huge
 * counts, far-past / far-future / epoch-second timestamps, a 600,000-character event_type, tombstones, null keys) and a
 * few more, each with the outcome rotor must give it ({@link Hostile.Expect}).
 *
 * <p>Where the README says what must happen (a refused path is dead-lettered as {@code REFUSED_PATH}, a timestamp older
 * than 3 days as {@code STALE_TIMESTAMP}, an event_type over 64 characters goes to the DLQ, an epoch-seconds timestamp
 * is an ordinary event time), the expectation says so; elsewhere it is only "dead-lettered with a code, or audited with
 * a reason".
 */
final class HostileInputs {
    static final String ALLOWED = "secret/faults/hostile/";
    /**
     * Just under the producer's 1 MiB request limit once key and record overhead are added (and under rotor's
     * {@code rotor.max-event-bytes}): the record is accepted, but its DLQ copy with error headers is not.
     */
    static final int NEAR_LIMIT = 1_048_176;

    /**
     * What the generator needs to know about the world.
     *
     * @param avroId a registered SecurityEvent schema id (version 0)
     * @param avro that version, to write valid records to truncate
     * @param jsonSchemaId the id of a JSON Schema (not Avro) in the registry
     * @param vaultSecrets existing secrets (for epoch-second critical events that must rotate them)
     */
    record World(int avroId, AvroEvents.Version avro, int jsonSchemaId, List<String> vaultSecrets) {}

    private final World world;
    private final Random random = new Random(1414);
    private final Instant now = Instant.now();
    private final Map<String, IntFunction<Hostile>> families = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private int sequence;

    private HostileInputs(final World world) {
        this.world = world;
    }

    /** The hostile records, families interleaved, {@code total} in all. */
    static List<Hostile> generate(final World world, final int total) {
        return new HostileInputs(world).all(total);
    }

    private List<Hostile> all(final int total) {
        family("bad-magic-byte", 60, i -> binary("bad-magic-byte", badMagic(i), Expect.deadLettered("UNKNOWN_FORMAT")));
        family(
                "unknown-schema-id",
                40,
                i -> binary(
                        "unknown-schema-id",
                        confluent(1_000_000 + random.nextInt(Integer.MAX_VALUE - 1_000_000), randomBytes(1 + i % 40)),
                        Expect.deadLettered("UNKNOWN_SCHEMA_ID")));
        family(
                "odd-schema-id",
                3,
                i -> binary(
                        "odd-schema-id",
                        confluent(new int[] {0, -1, Integer.MIN_VALUE}[i], randomBytes(8)),
                        Expect.handled()));
        family(
                "non-avro-schema-id",
                20,
                i -> binary(
                        "non-avro-schema-id",
                        confluent(world.jsonSchemaId(), randomBytes(4 + i)),
                        Expect.deadLettered()));
        family("truncated-avro", 50, i -> {
            final String id = nextId("truncated-avro");
            final byte[] whole = AvroEvents.failedLogin(world.avro(), id, ALLOWED + "avro-" + id);
            final int cut = 5 + random.nextInt(whole.length - 5);
            return new Hostile(
                    id, "truncated-avro", false, Arrays.copyOf(whole, cut), Expect.deadLettered("INVALID_AVRO"));
        });
        family(
                "garbage-avro-body",
                30,
                i -> binary(
                        "garbage-avro-body",
                        confluent(world.avroId(), randomBytes(1 + random.nextInt(200))),
                        Expect.handled()));
        family(
                "poison-literal",
                1,
                i -> binary(
                        "poison-literal",
                        new byte[] {0, 0, 0, 0, 7, 'g', 'a', 'r', 'b', 'a', 'g', 'e'},
                        Expect.deadLettered()));
        family("empty-value", 10, i -> binary("empty-value", new byte[0], Expect.deadLettered()));
        family("tombstone", 30, i -> binary("tombstone", null, Expect.handled()));
        family("tombstone-null-key", 10, i -> unkeyed("tombstone-null-key", null, Expect.handled()));
        family("invalid-json", 80, this::invalidJson);
        family(
                "not-an-object",
                10,
                i -> binary(
                        "not-an-object",
                        utf8(new String[] {
                                    "[1,2,3]",
                                    "[]",
                                    "[{}]",
                                    "null",
                                    "true",
                                    "42",
                                    "\"event\"",
                                    "[\"secret/faults/hostile/x\"]",
                                    " ",
                                    "\t\n"
                                }
                                [i]),
                        Expect.deadLettered()));
        family("deep-nesting", 10, this::deepNesting);
        family("wrong-type", 40, this::wrongType);
        family("missing-field", 10, this::missingField);
        family("huge-field", 9, this::hugeField);
        family("many-paths", 4, this::manyPaths);
        family("many-metadata-entries", 2, i -> {
            final String id = nextId("many-metadata-entries");
            final JsonEvent e = JsonEvent.failedLogin(id, ALLOWED + id);
            for (int k = 0; k < 10_000; k++) {
                e.metadata("k" + k, "v" + k);
            }
            return json(id, "many-metadata-entries", e, Expect.handled());
        });
        family("event-type-600000", 3, i -> {
            final String id = nextId("event-type-600000");
            return json(
                    id,
                    "event-type-600000",
                    JsonEvent.failedLogin(id, ALLOWED + id).type("x".repeat(600_000)),
                    Expect.deadLettered());
        });
        family("event-type-over-64", 15, i -> {
            final String id = nextId("event-type-over-64");
            return json(
                    id,
                    "event-type-over-64",
                    JsonEvent.failedLogin(id, ALLOWED + id).type("t".repeat(65 + i * 9)),
                    Expect.deadLettered());
        });
        family("refused-path", 150, this::refusedPath);
        family("count", 100, this::count);
        family("timestamp", 150, this::timestamp);
        family("epoch-seconds-critical", world.vaultSecrets().size(), i -> {
            final String id = nextId("epoch-seconds-critical");
            return json(
                    id,
                    "epoch-seconds-critical",
                    JsonEvent.event(id)
                            .type("leaked_credential")
                            .level("critical")
                            .paths(world.vaultSecrets().get(i))
                            .timestamp(now.getEpochSecond()),
                    Expect.rotated());
        });
        family(
                "null-key",
                50,
                i -> unkeyed(
                        "null-key",
                        i % 2 == 0 ? badMagic(i) : utf8("{\"event_id\":\"" + "null-key-" + i + "\",\"event_type\":"),
                        Expect.handled()));
        family("odd-but-valid", 10, this::oddButValid);
        return interleave(total);
    }

    private void family(final String name, final int count, final IntFunction<Hostile> make) {
        families.put(name, make);
        counts.put(name, count);
    }

    /** Round-robin over the families (so each kind is spread over the run), padded or cut to {@code total}. */
    private List<Hostile> interleave(final int total) {
        final Map<String, Integer> made = new LinkedHashMap<>();
        final List<Hostile> out = new ArrayList<>();
        boolean any = true;
        while (out.size() < total && any) {
            any = false;
            for (final Map.Entry<String, IntFunction<Hostile>> f : families.entrySet()) {
                final int i = made.getOrDefault(f.getKey(), 0);
                if (i < counts.get(f.getKey()) && out.size() < total) {
                    out.add(f.getValue().apply(i));
                    made.put(f.getKey(), i + 1);
                    any = true;
                }
            }
        }
        int pad = 0;
        while (out.size() < total) {
            out.add(invalidJson(1000 + pad++));
        }
        return out;
    }

    // ---- families ---------------------------------------------------------------------------------------------

    private byte[] badMagic(final int i) {
        final byte[] starts = {
            0x01,
            0x02,
            0x05,
            0x7f,
            (byte) 0x80,
            (byte) 0xff,
            (byte) 0xfe,
            'A',
            'x',
            '<',
            '"',
            '1',
            '-',
            '}',
            ']',
            (byte) 0xc3,
            0x1b
        };
        final byte[] b = randomBytes(1 + i % 64);
        b[0] = starts[i % starts.length];
        return b;
    }

    private Hostile invalidJson(final int i) {
        final String id = nextId("invalid-json");
        final String valid = JsonEvent.failedLogin(id, ALLOWED + id).json();
        final String v;
        switch (i % 10) {
            case 0 -> v = valid.substring(0, 1 + random.nextInt(valid.length() - 2)); // truncated
            case 1 -> v = "{\"event_id\":\"" + id + "\",\"event_type\":}";
            case 2 -> v = "{event_id:'" + id + "'}";
            case 3 -> v = valid.replace("\"low\"", "NaN");
            case 4 -> v = "{\"event_id\":\"" + id + "\",";
            case 5 -> v = "{\"event_id\":\"" + id + "\" \"event_type\":\"x\"}";
            case 6 -> v = "{";
            case 7 -> v = "{\"event_id\":\"" + id + "\"/* comment */}";
            case 8 -> v = valid.substring(0, valid.length() - 1) + ",}";
            default -> v = "{\"event_id\":\"" + id + "\",\"description\":\"\u0001\u0002 raw control chars\"";
        }
        final byte[] bytes = utf8(v);
        if (i % 10 == 9) {
            // invalid UTF-8 inside the object
            final byte[] bad = Arrays.copyOf(bytes, bytes.length + 3);
            bad[bytes.length] = (byte) 0xc3;
            bad[bytes.length + 1] = (byte) 0x28;
            bad[bytes.length + 2] = '}';
            return new Hostile(id, "invalid-json", false, bad, Expect.deadLettered()).variant("invalid UTF-8");
        }
        return new Hostile(id, "invalid-json", false, bytes, Expect.deadLettered()).variant(v);
    }

    private Hostile deepNesting(final int i) {
        final String id = nextId("deep-nesting");
        final String open = "[".repeat(100_000);
        final String v = switch (i % 5) {
            case 0 -> open;
            case 1 -> "{\"event_id\":\"" + id + "\",\"metadata\":" + open;
            case 2 -> "{\"event_id\":\"" + id + "\",\"affected_resources\":" + open + "]".repeat(100_000) + "}";
            case 3 -> "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
            default ->
                "{\"event_id\":\"" + id + "\",\"event_type\":\"failed_auth_spike\",\"threat_level\":\"low\","
                        + "\"timestamp\":\"" + now + "\",\"metadata\":{\"k\":" + open + "]".repeat(100_000) + "}}";
        };
        return new Hostile(id, "deep-nesting", false, utf8(v), Expect.deadLettered())
                .variant(new String[] {
                            "100000 [",
                            "metadata: 100000 [",
                            "affected_resources: 100000 [ ]",
                            "50000 nested objects",
                            "metadata value: 100000 [ ]"
                        }
                        [i % 5]);
    }

    private Hostile wrongType(final int i) {
        final String id = nextId("wrong-type");
        final JsonEvent e = JsonEvent.failedLogin(id, ALLOWED + id);
        final String[][] cases = {
            {"event_type", "42"},
            {"event_type", "{\"a\":1}"},
            {"event_type", "[\"failed_auth_spike\"]"},
            {"event_type", "null"},
            {"threat_level", "\"extreme\""},
            {"threat_level", "\"\""},
            {"threat_level", "5"},
            {"threat_level", "null"},
            {"affected_resources", "42"},
            {"affected_resources", "{\"p\":\"x\"}"},
            {"affected_resources", "[1,2,3]"},
            {"affected_resources", "[null]"},
            {"affected_resources", "[[\"x\"]]"},
            {"timestamp", "{\"t\":1}"},
            {"timestamp", "true"},
            {"timestamp", "[1]"},
            {"metadata", "[1,2]"},
            {"metadata", "\"text\""},
            {"metadata", "{\"nested\":{\"deep\":1}}"},
            {"description", "[\"a\"]"},
            {"event_id", "42"},
            {"event_id", "{\"id\":1}"},
            {"source_ip", "[1]"},
            {"metadata", "{\"secret_paths\":42}"},
        };
        final String[] c = cases[i % cases.length];
        return json(id, "wrong-type", e.raw(c[0], c[1]), Expect.handled()).variant(c[0] + "=" + c[1]);
    }

    private Hostile missingField(final int i) {
        final String id = nextId("missing-field");
        final String[] fields = {"event_type", "threat_level", "timestamp", "affected_resources", "description"};
        if (i == fields.length) {
            return binary("missing-field", utf8("{}"), Expect.deadLettered());
        }
        final String f = fields[i % fields.length];
        final JsonEvent e = JsonEvent.failedLogin(id, ALLOWED + id).without(f);
        final boolean required = f.equals("event_type") || f.equals("threat_level") || f.equals("timestamp");
        return json(id, "missing-field", e, required ? Expect.deadLettered() : Expect.handled());
    }

    private Hostile hugeField(final int i) {
        final String id = nextId("huge-field");
        final String mib = "m".repeat(1_000_000);
        final JsonEvent e = JsonEvent.failedLogin(id, ALLOWED + id);
        final Hostile h = switch (i) {
            case 0 -> json(id, "huge-field", e.description(mib), Expect.handled());
            case 1 -> json(id, "huge-field", e.metadata("note", mib), Expect.handled());
            case 2 -> json(id, "huge-field", e.metadata("k".repeat(500_000), "v"), Expect.handled());
            case 3 ->
                json(
                        id,
                        "huge-field",
                        e.metadata("k".repeat(500_000), "not-a-count")
                                .type("failed_auth_spike")
                                .metadata("failed_count", "many"),
                        Expect.deadLettered());
            case 4 ->
                new Hostile(
                        id,
                        "huge-field",
                        false,
                        utf8("{\"event_id\":\"" + mib + "\","
                                + JsonEvent.failedLogin(null, ALLOWED + id)
                                        .json()
                                        .substring(1)),
                        Expect.handled());
            case 5 -> json(id, "huge-field", e.sourceIp(mib), Expect.handled());
            case 6 -> json(id, "huge-field", e.paths(ALLOWED + "p".repeat(1_000_000)), Expect.handled());
            case 7 ->
                json(
                        id,
                        "huge-field",
                        e.paths("secret/other/" + "p".repeat(1_000_000)),
                        Expect.deadLettered("REFUSED_PATH"));
            default -> {
                // invalid JSON just under the producer limit: its DLQ copy, with error headers, is larger still
                final String head = "{\"event_id\":\"" + id + "\",\"description\":\"";
                yield new Hostile(
                        id,
                        "huge-field",
                        false,
                        utf8(head + "d".repeat(NEAR_LIMIT - head.length())),
                        Expect.deadLettered());
            }
        };
        return h.variant(new String[] {
                    "description of 1,000,000 chars",
                    "metadata value of 1,000,000 chars",
                    "metadata key of 500,000 chars",
                    "metadata key of 500,000 chars and an invalid count",
                    "event_id of 1,000,000 chars",
                    "source_ip of 1,000,000 chars",
                    "allowlisted path of 1,000,000 chars",
                    "refused path of 1,000,000 chars",
                    "invalid JSON of " + NEAR_LIMIT + " bytes"
                }
                [Math.min(i, 8)]);
    }

    private Hostile manyPaths(final int i) {
        final String id = nextId("many-paths");
        final List<String> paths = new ArrayList<>();
        for (int k = 0; k < 10_000; k++) {
            paths.add(
                    switch (i) {
                        case 0 -> ALLOWED + "many/" + id + "/p" + k;
                        case 1 -> "secret/other/" + id + "/p" + k;
                        case 2 -> "sys/" + id + "/p" + k;
                        default -> k % 2 == 0 ? ALLOWED + "many/" + id + "/p" + k : "secret/other/" + id + "/p" + k;
                    });
        }
        final JsonEvent e = JsonEvent.failedLogin(id, ALLOWED + id);
        if (i == 2) {
            e.paths(List.of()).metadata("secret_paths", String.join(",", paths));
        } else {
            e.paths(paths);
        }
        return json(id, "many-paths", e, i == 0 ? Expect.handled() : Expect.deadLettered("REFUSED_PATH"))
                .variant(new String[] {
                            "10,000 allowed paths",
                            "10,000 paths outside the allowlist",
                            "10,000 sys/ paths in metadata.secret_paths",
                            "5,000 allowed and 5,000 refused paths"
                        }
                        [i]);
    }

    private static final String[] REFUSED_SHAPES = {
        "secret/faults/hostile/../etc",
        "../secret/faults/hostile/x",
        "secret/faults/hostile/./x",
        "secret//faults/hostile/x",
        "secret/faults/hostile/x/",
        "/",
        "secret/faults/hostile/x\u0000",
        "secret/faults/hostile/\u0007bell",
        "secret/faults/hostile/\u001b[31m",
        "secret/faults/hostile/\u007f",
        "secret/faults/hostile/\n",
        "secret/faults/hostile/x\ty",
        "secret/faults/hostile/{x}",
        "secret/faults/hostile/x}",
        "secret/faults/hostile/x|y",
        "secret/faults/hostile/x^y",
        "secret/faults/hostile/\"q\"",
        "secret/faults/hostile/<x>",
        "secret/faults/hostile/x>",
        "secret/faults/hostile/[0]",
        "secret/faults/hostile/x]",
        "sys/policy/root",
        "sys/raw/logical",
        "auth/token/create",
        "secret/other/x",
        "kv/faults/x",
        "database/creds/x",
        "secret2/faults/x",
        "secret/faults/hostile/%2e%2e/x",
        "secret/faults/hostile/x y",
        "secret/faults/hostile/\u00e9",
        "secret/faults/hostile/x\\y",
        "secret/faults/hostile/x?y=1",
        "secret/faults/hostile/x#frag",
        "secret/faults/hostile/x;y",
        "secret/faults/hostile/x`y",
        "secret/faults/hostile/\u202ertl",
        "secret/faults/hostile/x\u200b",
        "SECRET/faults/hostile/x",
        "secret/faults/hostile/x\ry",
    };

    private Hostile refusedPath(final int i) {
        final String id = nextId("refused-path");
        final String shape = REFUSED_SHAPES[i % REFUSED_SHAPES.length];
        // an allowed path next to the refused one: the refusal must not depend on being alone
        final JsonEvent e = i % 3 == 0
                ? JsonEvent.failedLogin(id, shape)
                : JsonEvent.failedLogin(id, ALLOWED + "ok-" + id).paths(ALLOWED + "ok-" + id, shape);
        return json(id, "refused-path", e, Expect.deadLettered("REFUSED_PATH"))
                .variant((i % 3 == 0 ? "alone: " : "with an allowed path: ") + shape);
    }

    private Hostile count(final int i) {
        final String id = nextId("count");
        final boolean rate = i % 2 == 1;
        final JsonEvent e = JsonEvent.event(id)
                .type(rate ? "rate_limit_exceeded" : "failed_auth_spike")
                .level("low")
                .paths(ALLOWED + "count-" + id);
        final String key = rate ? "violation_count" : "failed_count";
        // README: "a non-negative whole number, or a string holding one"; anything else is INVALID_COUNT, except a
        // JSON value of the wrong kind (array, object, boolean), which may be refused as WRONG_TYPE
        final String[] invalid = {
            "\"abc\"",
            "\"1.5\"",
            "\"0x10\"",
            "\"\"",
            "\" \"",
            "\"NaN\"",
            "\"-1\"",
            "-1",
            "-5",
            "\"-0.5\"",
            "1.5",
            "\"+\"",
            "true",
            "[1]",
            "{\"n\":1}",
            "\"1e3\"",
            "\"١٢\"",
            "\"１０\""
        };
        final String[] huge = {
            "1e30",
            "99999999999999999999",
            "\"99999999999999999999\"",
            "9223372036854775807",
            "9223372036854775808",
            "4611686018427387904",
            "\"9223372036854775807\"",
            "1e308",
            "0",
            "\"0007\""
        };
        final int k = i / 2;
        if (k < invalid.length * 2) {
            final String v = invalid[k % invalid.length];
            e.metadataRaw(key, parse(v));
            final int which = k % invalid.length;
            final Expect expect = which < 12
                    ? Expect.deadLettered("INVALID_COUNT")
                    : which < 15 ? Expect.deadLettered() : Expect.handled(); // 1e3 and non-ASCII digits: either
            return json(id, "count", e, expect).variant(key + "=" + v);
        }
        final String v = huge[k % huge.length];
        e.metadataRaw(key, parse(v));
        return json(id, "count", e, Expect.handled()).variant(key + "=" + v);
    }

    private Hostile timestamp(final int i) {
        final String id = nextId("timestamp");
        final JsonEvent e = JsonEvent.failedLogin(id, ALLOWED + "ts-" + id);
        final long s = now.getEpochSecond();
        final int j = i / 15; // which variant of the case, independent of the case
        final Hostile h = switch (i % 15) {
            case 0, 1 -> json(id, "timestamp-epoch-seconds", e.timestamp(s - j), Expect.decided("BELOW_THRESHOLD"));
            case 2 ->
                json(
                        id,
                        "timestamp-epoch-millis",
                        e.timestamp(now.toEpochMilli() - j),
                        Expect.decided("BELOW_THRESHOLD"));
            case 3 ->
                json(
                        id,
                        "timestamp-offset",
                        e.timestamp(OffsetDateTime.ofInstant(
                                        now, ZoneOffset.ofHoursMinutes(j % 2 == 0 ? 5 : -7, j % 2 == 0 ? 30 : 0))
                                .toString()),
                        Expect.decided("BELOW_THRESHOLD"));
            case 4, 5 ->
                json(
                        id,
                        "timestamp-older-than-3-days",
                        e.timestamp(now.minus(Duration.ofDays(4 + j * 3)).toString()),
                        Expect.deadLettered("STALE_TIMESTAMP"));
            case 6 ->
                json(
                        id,
                        "timestamp-far-past",
                        e.timestamp(
                                new String[] {"1970-01-01T00:00:00Z", "1000-01-01T00:00:00Z", "2001-09-09T01:46:40Z"}
                                        [j % 3]),
                        Expect.deadLettered("STALE_TIMESTAMP"));
            case 7 ->
                json(
                        id,
                        "timestamp-far-past-number",
                        e.timestamp(new long[] {0L, 1L, 1_000_000_000_000L}[j % 3]),
                        Expect.deadLettered());
            case 8 ->
                json(
                        id,
                        "timestamp-far-future",
                        e.timestamp(new String[] {
                                    "9999-12-31T23:59:59Z",
                                    "+999999999-12-31T23:59:59Z",
                                    now.plus(Duration.ofDays(365)).toString()
                                }
                                [j % 3]),
                        Expect.deadLettered());
            case 9 ->
                json(
                        id,
                        "timestamp-far-future-number",
                        e.timestamp(new long[] {
                                    Long.MAX_VALUE,
                                    1_000_000_000_000_000_000L,
                                    now.toEpochMilli() + Duration.ofDays(30).toMillis()
                                }
                                [j % 3]),
                        Expect.deadLettered());
            case 10 ->
                json(
                        id,
                        "timestamp-negative",
                        e.timestamp(new long[] {-1L, Long.MIN_VALUE, -62_135_596_800L}[j % 3]),
                        Expect.deadLettered());
            // each refused whatever the day: a zone-less "2026-12-06 10:00" is a valid UTC time (README), not one of
            // these
            case 11 ->
                json(
                        id,
                        "timestamp-invalid",
                        e.timestamp(
                                new String[] {"yesterday", "", "2026-13-45T00:00:00Z", "NaN", "2026-12-06 10:00 UTC"}
                                        [j % 5]),
                        Expect.deadLettered());
            case 12 ->
                json(
                        id,
                        "timestamp-invalid-type",
                        e.raw("timestamp", new String[] {"1e300", "true", "null", "1.5e9"}[j % 4]),
                        Expect.handled());
            case 13 -> json(id, "timestamp-epoch-seconds-string", e.timestamp(Long.toString(s - j)), Expect.handled());
            default ->
                json(
                        id,
                        "timestamp-epoch-seconds-recent",
                        e.timestamp(s - 3600 - j),
                        Expect.decided("BELOW_THRESHOLD"));
        };
        return h.variant("timestamp="
                + parse(new String(h.value(), StandardCharsets.UTF_8)).path("timestamp"));
    }

    private Hostile oddButValid(final int i) {
        final String id = nextId("odd-but-valid");
        final JsonEvent e = JsonEvent.failedLogin(id, ALLOWED + "odd-" + id);
        return switch (i % 5) {
            case 0 -> {
                final byte[] json = e.bytes();
                final byte[] bom = new byte[json.length + 3];
                bom[0] = (byte) 0xEF;
                bom[1] = (byte) 0xBB;
                bom[2] = (byte) 0xBF;
                System.arraycopy(json, 0, bom, 3, json.length);
                yield new Hostile(id, "odd-but-valid", false, bom, Expect.handled());
            }
            case 1 -> json(id, "odd-but-valid", e.type("FAILED_AUTH_SPIKE").level("LOW"), Expect.handled());
            case 2 -> new Hostile(id, "odd-but-valid", false, utf8("  \n\t" + e.json() + "  \n"), Expect.handled());
            case 3 -> json(id, "odd-but-valid", e.description("\u0000\u0001 nul and \u202e bidi"), Expect.handled());
            default ->
                new Hostile(
                        id,
                        "odd-but-valid",
                        false,
                        utf8(e.json().replace("{", "{\"event_type\":\"manual_trigger\",")),
                        Expect.handled()); // duplicate key
        };
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private String nextId(final String kind) {
        return String.format("hostile-%04d-%s", sequence++, kind);
    }

    private Hostile binary(final String kind, final byte[] value, final Expect expect) {
        return new Hostile(nextId(kind), kind, false, value, expect);
    }

    private Hostile unkeyed(final String kind, final byte[] value, final Expect expect) {
        return new Hostile(nextId(kind), kind, true, value, expect);
    }

    private static Hostile json(final String id, final String kind, final JsonEvent e, final Expect expect) {
        return new Hostile(id, kind, false, e.bytes(), expect);
    }

    private byte[] randomBytes(final int n) {
        final byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] confluent(final int schemaId, final byte[] body) {
        return ByteBuffer.allocate(5 + body.length)
                .put((byte) 0)
                .putInt(schemaId)
                .put(body)
                .array();
    }

    private static byte[] utf8(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode parse(final String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (final IOException e) {
            return JsonNodeFactory.instance.textNode(json);
        }
    }
}
