package dev.rotor.detection;

import static dev.rotor.detection.DetectionDriver.NOW;
import static dev.rotor.detection.DetectionDriver.header;
import static dev.rotor.detection.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.streams.DeadLetterHandler;
import dev.rotor.streams.DeadLetters;
import dev.rotor.streams.Statistic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which secrets an event names, which paths are refused, and what happens to bad input. */
class DetectionInputTest {
    private static final Instant T = NOW.minus(Duration.ofMinutes(10));
    private static final String PLANTED = "hunter2-Sup3rS3cret";

    private static Events critical(final String id) {
        return event("leaked_credential", "critical").id(id).at(T);
    }

    @Nested
    class AffectedSecretsOfAnEvent {
        @Test
        void duplicatePathsInOneEventGiveOneCommand() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("e")
                        .paths("secret/a", "/secret/a", " secret/a ")
                        .meta("secret_path", "secret/a"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/a");
            }
        }

        @Test
        void metadataSecretPathNamesASecret() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("e").meta("secret_path", "secret/prod/from-metadata"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/from-metadata");
            }
        }

        @Test
        void metadataSecretPathsAsAnArrayNamesSecrets() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("e").metaArray("secret_paths", "secret/one", "secret/two"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/one", "secret/two");
            }
        }

        @Test
        void metadataSecretPathsAsACommaSeparatedStringNamesSecrets() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("e").paths("secret/zero").meta("secret_paths", "secret/one, secret/two,,"));

                assertThat(d.commands())
                        .extracting(kv -> kv.key)
                        .containsExactly("secret/zero", "secret/one", "secret/two");
            }
        }

        @Test
        void anEventNamingNoSecretIsAuditedAndRotatesNothing() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("lonely"));

                assertThat(d.commands()).isEmpty();
                assertThat(d.audits(AuditDecision.NO_AFFECTED_SECRETS))
                        .singleElement()
                        .satisfies(a -> assertThat(a.getEventId()).isEqualTo("lonely"));
                assertThat(d.deadLetters()).isEmpty();
            }
        }
    }

    @Nested
    class RefusedPaths {
        @ParameterizedTest
        @ValueSource(
                strings = {
                    "secret/../sys/policy",
                    "sys/policy/root",
                    "auth/token/create",
                    "AUTH/userpass/x",
                    "secret//double",
                    "secret/trailing/",
                    "secret/./here",
                    "secret/with\u0007bell",
                    "secret/with space",
                    "secret/%2e%2e/x",
                    "other-mount/db",
                    "secret/q?x=1",
                    ""
                })
        void aRefusedPathIsAuditedDeadLetteredAndNeverRotated(final String path) {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("e").paths(path, "secret/fine"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/fine");
                if (!path.isBlank()) {
                    assertThat(d.audits(AuditDecision.PATH_REFUSED))
                            .singleElement()
                            .satisfies(a -> assertThat(a.getSecretPath()).isNull());
                    final List<TestRecord<byte[], byte[]>> dlq = d.deadLetters();
                    assertThat(dlq)
                            .singleElement()
                            .satisfies(r -> assertThat(header(r, DeadLetterHandler.CODE_HEADER))
                                    .isEqualTo("REFUSED_PATH"));
                }
            }
        }

        @Test
        void aPathMatchingAConfiguredTargetIsAllowed() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("e").paths("/secret/deep/ly/nested/key"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/deep/ly/nested/key");
                assertThat(d.deadLetters()).isEmpty();
            }
        }
    }

    @Nested
    class BadInput {
        static Stream<Arguments> badRecords() {
            final Supplier<Events> good =
                    () -> event("failed_auth_spike", "high").id("bad").at(T).paths("secret/a");
            return Stream.of(
                    Arguments.of("empty", new byte[0], "EMPTY"),
                    Arguments.of("neither JSON nor Avro", "hello".getBytes(StandardCharsets.UTF_8), "UNKNOWN_FORMAT"),
                    Arguments.of("wrong magic byte", new byte[] {1, 0, 0, 0, 1, 2}, "UNKNOWN_FORMAT"),
                    Arguments.of(
                            "invalid JSON",
                            ("{\"event_type\": \"x\", \"password\": \"" + PLANTED).getBytes(StandardCharsets.UTF_8),
                            "INVALID_JSON"),
                    Arguments.of("JSON array", "[1,2]".getBytes(StandardCharsets.UTF_8), "INVALID_JSON"),
                    Arguments.of(
                            "duplicate keys",
                            "{\"threat_level\":\"low\",\"threat_level\":\"critical\"}".getBytes(StandardCharsets.UTF_8),
                            "INVALID_JSON"),
                    Arguments.of(
                            "missing event_type",
                            good.get().remove("event_type").bytes(),
                            "MISSING_FIELD"),
                    Arguments.of(
                            "missing timestamp", good.get().remove("timestamp").bytes(), "MISSING_FIELD"),
                    Arguments.of(
                            "unparsable timestamp",
                            good.get().set("timestamp", "yesterday").bytes(),
                            "INVALID_TIMESTAMP"),
                    Arguments.of(
                            "timestamp far in the future",
                            good.get().at(NOW.plus(Duration.ofHours(2))).bytes(),
                            "FUTURE_TIMESTAMP"),
                    Arguments.of(
                            "timestamp older than the maximum age",
                            good.get()
                                    .at(NOW.minus(Duration.ofDays(3)).minusSeconds(1))
                                    .bytes(),
                            "STALE_TIMESTAMP"),
                    Arguments.of(
                            "epoch seconds older than the maximum age",
                            json(
                                    good.get(),
                                    "timestamp",
                                    Long.toString(NOW.minus(Duration.ofDays(4)).getEpochSecond())),
                            "STALE_TIMESTAMP"),
                    Arguments.of(
                            "an epoch number in 1970", json(good.get(), "timestamp", "1000000"), "STALE_TIMESTAMP"),
                    Arguments.of(
                            "event_type of 600,000 characters",
                            good.get()
                                    .set("event_type", PLANTED + "x".repeat(600_000))
                                    .bytes(),
                            "FIELD_TOO_LONG"),
                    Arguments.of(
                            "event_id of 300,000 characters",
                            good.get().id(PLANTED + "i".repeat(300_000)).bytes(),
                            "FIELD_TOO_LONG"),
                    Arguments.of(
                            "event_id with a line break",
                            good.get().id("a\n" + PLANTED).bytes(),
                            "WRONG_TYPE"),
                    Arguments.of(
                            "source_ip of 65 characters",
                            good.get()
                                    .set("source_ip", PLANTED + "1".repeat(60))
                                    .bytes(),
                            "FIELD_TOO_LONG"),
                    Arguments.of(
                            "metadata key of 129 characters",
                            good.get().meta(PLANTED + "k".repeat(120), "v").bytes(),
                            "FIELD_TOO_LONG"),
                    Arguments.of(
                            "10,001 affected resources",
                            good.get().paths(numberedPaths(10_001)).bytes(),
                            "FIELD_TOO_LONG"),
                    Arguments.of(
                            "10,001 metadata.secret_paths",
                            good.get()
                                    .metaArray("secret_paths", numberedPaths(10_001))
                                    .bytes(),
                            "FIELD_TOO_LONG"),
                    Arguments.of(
                            "100,000 nested arrays",
                            "[".repeat(100_000).getBytes(StandardCharsets.UTF_8),
                            "INVALID_JSON"),
                    Arguments.of(
                            "100,000 nested objects",
                            "{\"metadata\":{\"a\":".repeat(50_000).getBytes(StandardCharsets.UTF_8),
                            "INVALID_JSON"),
                    Arguments.of(
                            "unknown threat level",
                            good.get().set("threat_level", "severe").bytes(),
                            "INVALID_THREAT_LEVEL"),
                    Arguments.of(
                            "affected_resources not an array",
                            good.get().set("affected_resources", "secret/a").bytes(),
                            "WRONG_TYPE"),
                    Arguments.of(
                            "non-numeric count",
                            good.get().meta("failed_count", PLANTED).bytes(),
                            "INVALID_COUNT"),
                    Arguments.of(
                            "negative count",
                            good.get().meta("failed_count", -5).bytes(),
                            "INVALID_COUNT"),
                    Arguments.of(
                            "fractional count",
                            good.get().meta("failed_count", "2.5").bytes(),
                            "INVALID_COUNT"),
                    Arguments.of("oversize record", oversize(), "OVERSIZE"));
        }

        /** The event with {@code field} set to raw JSON text (a number, say). */
        private static byte[] json(final Events event, final String field, final String rawJson) {
            final String placeholder = "__raw__";
            return event.set(field, placeholder)
                    .json()
                    .toString()
                    .replace("\"" + placeholder + "\"", rawJson)
                    .getBytes(StandardCharsets.UTF_8);
        }

        private static byte[] oversize() {
            final byte[] b = new byte[1024 * 1024 + 1];
            Arrays.fill(b, (byte) ' ');
            b[0] = '{';
            return b;
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("badRecords")
        void badInputGoesToTheDlqWithItsReasonAndTheNextEventIsStillProcessed(
                final String name, final byte[] bad, final String code) {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(bad);
                d.send(critical("good").paths("secret/after"));

                final List<TestRecord<byte[], byte[]>> dlq = d.deadLetters();
                assertThat(dlq).singleElement().satisfies(r -> {
                    if (bad.length < 1_000_000) {
                        assertThat(r.value()).isEqualTo(bad);
                    } else { // a dead letter never exceeds the producer's limit: the value is cut, and says so
                        assertThat(bad).startsWith(r.value());
                        assertThat(r.value().length).isLessThan(1_048_576 - 1024);
                        assertThat(header(r, DeadLetters.VALUE_TRUNCATED_HEADER))
                                .isEqualTo(Integer.toString(bad.length));
                    }
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("siem-key");
                    assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo(code);
                    assertThat(header(r, DeadLetterHandler.REASON_HEADER)).isNotBlank();
                    for (final Header h : r.headers()) {
                        assertThat(new String(h.value(), StandardCharsets.UTF_8))
                                .doesNotContain(PLANTED);
                    }
                });
                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/after");
                final List<AuditRecord> invalid = d.audits(AuditDecision.INVALID);
                assertThat(invalid).singleElement().satisfies(a -> {
                    assertThat(a.getReason()).contains(code).doesNotContain(PLANTED);
                    assertThat(a.getDetails()).containsEntry("error_code", code);
                });
                assertThat(d.statistics())
                        .containsEntry(Statistic.INVALID_EVENTS.key(), 1L)
                        .containsEntry(Statistic.TOTAL_EVENTS.key(), 2L);
            }
        }

        @Test
        void theReasonNamesTheProblem() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("failed_auth_spike", "high")
                        .id("x")
                        .at(T)
                        .set("threat_level", "severe")
                        .bytes());

                assertThat(header(d.deadLetters().get(0), DeadLetterHandler.REASON_HEADER))
                        .isEqualTo("threat_level must be one of low, medium, high, critical");
            }
        }
    }

    static String[] numberedPaths(final int n) {
        final String[] paths = new String[n];
        for (int i = 0; i < n; i++) {
            paths[i] = "secret/many/" + i;
        }
        return paths;
    }

    /** Event times: epoch seconds, milliseconds, ISO-8601; and no time older than rotor.max-event-age. */
    @Nested
    class EventTimes {
        private static final Instant AT = NOW.minus(Duration.ofMinutes(10));

        private byte[] withTimestamp(final String id, final String rawJson) {
            return critical(id)
                    .paths("secret/t/" + id)
                    .set("timestamp", "__raw__")
                    .json()
                    .toString()
                    .replace("\"__raw__\"", rawJson)
                    .getBytes(StandardCharsets.UTF_8);
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {"seconds", "\"seconds\"", "millis", "\"millis\"", "seconds.5", "iso-offset", "iso-space"})
        void everyTimestampShapeGivesTheEventTime(final String shape) {
            final long s = AT.getEpochSecond();
            final String raw = switch (shape) {
                case "seconds" -> Long.toString(s);
                case "\"seconds\"" -> "\"" + s + "\"";
                case "millis" -> Long.toString(s * 1000);
                case "\"millis\"" -> "\"" + s * 1000 + "\"";
                case "seconds.5" -> s + ".5";
                case "iso-offset" ->
                    "\"" + AT.atOffset(ZoneOffset.ofHoursMinutes(-5, -30)).toLocalDateTime() + "-05:30\"";
                default -> "\"" + AT.toString().replace('T', ' ') + "\"";
            };
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(withTimestamp("e", raw));

                assertThat(d.deadLetters()).isEmpty();
                assertThat(d.commands())
                        .singleElement()
                        .satisfies(c -> assertThat(c.value.getTrigger().getTimestamp())
                                .isEqualTo(shape.equals("seconds.5") ? AT.plusMillis(500) : AT));
            }
        }

        @Test
        void aCriticalLeakStampedInEpochSecondsRotatesWithItsRealTime() {
            // read as milliseconds this was 1970, and the executor then called it mitigated
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(withTimestamp("leak", Long.toString(AT.getEpochSecond())));

                assertThat(d.commands()).singleElement().satisfies(c -> {
                    assertThat(c.key).isEqualTo("secret/t/leak");
                    assertThat(c.value.getTrigger().getTimestamp()).isEqualTo(AT);
                });
            }
        }

        @Test
        void anEventOlderThanTheMaximumAgeIsRefusedNamingTheLimitNotTheValue() {
            final Instant old = NOW.minus(Duration.ofDays(3)).minusSeconds(1);
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("old").at(old).paths("secret/old"));
                d.send(critical("recent")
                        .at(NOW.minus(Duration.ofDays(3)).plusSeconds(60))
                        .paths("secret/recent"));

                assertThat(d.deadLetters()).singleElement().satisfies(r -> {
                    assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("STALE_TIMESTAMP");
                    assertThat(header(r, DeadLetterHandler.REASON_HEADER))
                            .isEqualTo("timestamp is more than 3d before rotor's clock (rotor.max-event-age)")
                            .doesNotContain(old.toString().substring(0, 10));
                });
                assertThat(d.audits(AuditDecision.INVALID))
                        .singleElement()
                        .satisfies(a -> assertThat(a.getEventId()).isEqualTo("old"));
                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/recent");
            }
        }

        @Test
        void theMaximumAgeIsConfigurable() {
            try (DetectionDriver d = new DetectionDriver(Map.of("rotor.max-event-age", "1h"))) {
                d.send(critical("two-hours").at(NOW.minus(Duration.ofHours(2))).paths("secret/a"));
                d.send(critical("half-hour")
                        .at(NOW.minus(Duration.ofMinutes(30)))
                        .paths("secret/b"));

                assertThat(d.deadLetters())
                        .singleElement()
                        .satisfies(r -> assertThat(header(r, DeadLetterHandler.REASON_HEADER))
                                .isEqualTo("timestamp is more than 1h before rotor's clock (rotor.max-event-age)"));
                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/b");
            }
        }
    }

    /** Nothing copied from input makes an output record outgrow the producer's limit. */
    @Nested
    class BoundedOutputs {
        private static final int SMALL = 4_096;

        private void assertNoRecordNorHeaderIsLarge(
                final DetectionDriver d, final List<TestRecord<byte[], byte[]>> dlq) {
            for (final AuditRecord a : d.audits()) {
                assertThat(a.toString().length()).as("audit record size").isLessThan(SMALL);
            }
            for (final TestRecord<byte[], byte[]> r : dlq) {
                for (final Header h : r.headers()) {
                    assertThat(h.value().length).as(h.key()).isLessThan(SMALL);
                }
            }
        }

        @Test
        void aLowEventWithASixHundredThousandCharacterTypeIsDeadLetteredAndTheNextEventIsDecided() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("x".repeat(600_000), "low")
                        .set("description", "short")
                        .id("huge-type")
                        .at(T)
                        .paths("secret/prod/db"));
                d.send(event("manual_trigger", "low").id("next").at(T).paths("secret/prod/db"));

                final List<TestRecord<byte[], byte[]>> dlq = d.deadLetters();
                assertThat(dlq).singleElement().satisfies(r -> {
                    assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("FIELD_TOO_LONG");
                    assertThat(header(r, DeadLetterHandler.REASON_HEADER))
                            .isEqualTo("event_type is longer than 64 characters");
                });
                assertNoRecordNorHeaderIsLarge(d, dlq);
                assertThat(d.commands()).extracting(kv -> kv.value.getEventId()).containsExactly("next");
            }
        }

        @Test
        void anOverlongEventIdNeverReachesAnAuditRecord() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("failed_auth_spike", "severe")
                        .id("i".repeat(300_000))
                        .at(T)
                        .paths("secret/a")
                        .bytes());

                final List<TestRecord<byte[], byte[]>> dlq = d.deadLetters();
                assertThat(dlq)
                        .singleElement()
                        .satisfies(r -> assertThat(header(r, DeadLetterHandler.CODE_HEADER))
                                .isEqualTo("FIELD_TOO_LONG"));
                assertThat(d.audits(AuditDecision.INVALID))
                        .singleElement()
                        .satisfies(a -> assertThat(a.getEventId()).isNull());
                assertNoRecordNorHeaderIsLarge(d, dlq);
            }
        }

        @Test
        void aThousandRefusedPathsGiveAReasonOfAtMostThreeHundredCharacters() {
            final String[] refused = new String[1_000];
            for (int i = 0; i < refused.length; i++) {
                refused[i] = "sys/refused/" + "p".repeat(100) + i;
            }
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("many").paths(refused));

                final List<TestRecord<byte[], byte[]>> dlq = d.deadLetters();
                assertThat(dlq).singleElement().satisfies(r -> {
                    assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("REFUSED_PATH");
                    assertThat(header(r, DeadLetterHandler.REASON_HEADER))
                            .startsWith("refused 1000 of 1000 secret paths")
                            .hasSizeLessThanOrEqualTo(300)
                            .endsWith("…");
                });
                assertThat(d.audits(AuditDecision.PATH_REFUSED)).hasSize(1_000);
                assertNoRecordNorHeaderIsLarge(d, dlq);
            }
        }
    }

    @Nested
    class OriginalImplementationScenarios {
        @Test
        void criticalLeakedCredentialRotates() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("leaked_credential", "critical").at(T).paths("secret/prod/api-key"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/api-key");
            }
        }

        @Test
        void highBruteForceNamingTwoSecretsGivesTwoCommands() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("brute_force_attack", "high").at(T).paths("secret/prod/db-password", "secret/prod/admin"));

                assertThat(d.commands())
                        .extracting(kv -> kv.key)
                        .containsExactlyInAnyOrder("secret/prod/db-password", "secret/prod/admin");
            }
        }

        @Test
        void apiKeyExposedNamingThreeGivesThree() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("api_key_exposed", "high").at(T).paths("secret/a", "secret/b", "secret/c"));

                assertThat(d.commands()).hasSize(3);
            }
        }

        @Test
        void metadataSecretPathIsRotated() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("unauthorized_access", "high").at(T).meta("secret_path", "secret/prod/meta"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/meta");
            }
        }

        @Test
        void aLowGenericEventDoesNothing() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("anomalous_behavior", "low").at(T).paths("secret/prod/app"));

                assertThat(d.commands()).isEmpty();
                assertThat(d.deadLetters()).isEmpty();
            }
        }

        @Test
        void oneEventNamingTwoSecretsCountsAsOneEventAndTwoRotations() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("leaked_credential", "critical").at(T).paths("secret/one", "secret/two"));

                assertThat(d.commands()).hasSize(2);
                assertThat(d.statistics())
                        .containsEntry(Statistic.TOTAL_EVENTS.key(), 1L)
                        .containsEntry(Statistic.EMERGENCY_ROTATIONS.key(), 2L);
            }
        }
    }
}
