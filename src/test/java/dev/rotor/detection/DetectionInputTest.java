package dev.rotor.detection;

import static dev.rotor.detection.DetectionDriver.NOW;
import static dev.rotor.detection.DetectionDriver.header;
import static dev.rotor.detection.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.streams.DeadLetterHandler;
import dev.rotor.streams.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
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
                d.send(critical("e").paths("secret/a", "/secret/a", " secret/a ").meta("secret_path", "secret/a"));

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

                assertThat(d.commands()).extracting(kv -> kv.key)
                        .containsExactly("secret/zero", "secret/one", "secret/two");
            }
        }

        @Test
        void anEventNamingNoSecretIsAuditedAndRotatesNothing() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("lonely"));

                assertThat(d.commands()).isEmpty();
                assertThat(d.audits(AuditDecision.NO_AFFECTED_SECRETS)).singleElement()
                        .satisfies(a -> assertThat(a.getEventId()).isEqualTo("lonely"));
                assertThat(d.deadLetters()).isEmpty();
            }
        }
    }

    @Nested
    class RefusedPaths {
        @ParameterizedTest
        @ValueSource(strings = {"secret/../sys/policy", "sys/policy/root", "auth/token/create", "AUTH/userpass/x",
                "secret//double", "secret/trailing/", "secret/./here", "secret/with\u0007bell", "secret/with space",
                "secret/%2e%2e/x", "other-mount/db", "secret/q?x=1", ""})
        void aRefusedPathIsAuditedDeadLetteredAndNeverRotated(final String path) {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(critical("e").paths(path, "secret/fine"));

                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/fine");
                if (!path.isBlank()) {
                    assertThat(d.audits(AuditDecision.PATH_REFUSED)).singleElement()
                            .satisfies(a -> assertThat(a.getSecretPath()).isNull());
                    final List<TestRecord<byte[], byte[]>> dlq = d.deadLetters();
                    assertThat(dlq).singleElement().satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("REFUSED_PATH"));
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
            final Supplier<Events> good = () -> event("failed_auth_spike", "high").id("bad").at(T).paths("secret/a");
            return Stream.of(
                    Arguments.of("empty", new byte[0], "EMPTY"),
                    Arguments.of("neither JSON nor Avro", "hello".getBytes(StandardCharsets.UTF_8), "UNKNOWN_FORMAT"),
                    Arguments.of("wrong magic byte", new byte[] {1, 0, 0, 0, 1, 2}, "UNKNOWN_FORMAT"),
                    Arguments.of("invalid JSON", ("{\"event_type\": \"x\", \"password\": \"" + PLANTED)
                            .getBytes(StandardCharsets.UTF_8), "INVALID_JSON"),
                    Arguments.of("JSON array", "[1,2]".getBytes(StandardCharsets.UTF_8), "INVALID_JSON"),
                    Arguments.of("duplicate keys", "{\"threat_level\":\"low\",\"threat_level\":\"critical\"}"
                            .getBytes(StandardCharsets.UTF_8), "INVALID_JSON"),
                    Arguments.of("missing event_type", good.get().remove("event_type").bytes(), "MISSING_FIELD"),
                    Arguments.of("missing timestamp", good.get().remove("timestamp").bytes(), "MISSING_FIELD"),
                    Arguments.of("unparsable timestamp", good.get().set("timestamp", "yesterday").bytes(),
                            "INVALID_TIMESTAMP"),
                    Arguments.of("timestamp far in the future", good.get().at(NOW.plus(Duration.ofHours(2))).bytes(),
                            "FUTURE_TIMESTAMP"),
                    Arguments.of("unknown threat level", good.get().set("threat_level", "severe").bytes(),
                            "INVALID_THREAT_LEVEL"),
                    Arguments.of("affected_resources not an array", good.get().set("affected_resources", "secret/a")
                            .bytes(), "WRONG_TYPE"),
                    Arguments.of("non-numeric count", good.get().meta("failed_count", PLANTED).bytes(), "INVALID_COUNT"),
                    Arguments.of("negative count", good.get().meta("failed_count", -5).bytes(), "INVALID_COUNT"),
                    Arguments.of("fractional count", good.get().meta("failed_count", "2.5").bytes(), "INVALID_COUNT"),
                    Arguments.of("oversize record", oversize(), "OVERSIZE"));
        }

        private static byte[] oversize() {
            final byte[] b = new byte[1024 * 1024 + 1];
            Arrays.fill(b, (byte) ' ');
            b[0] = '{';
            return b;
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("badRecords")
        void badInputGoesToTheDlqWithItsReasonAndTheNextEventIsStillProcessed(final String name, final byte[] bad,
                                                                             final String code) {
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
                        assertThat(header(r, DeadLetters.VALUE_TRUNCATED_HEADER)).isEqualTo(
                                Integer.toString(bad.length));
                    }
                    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("siem-key");
                    assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo(code);
                    assertThat(header(r, DeadLetterHandler.REASON_HEADER)).isNotBlank();
                    for (final Header h : r.headers()) {
                        assertThat(new String(h.value(), StandardCharsets.UTF_8)).doesNotContain(PLANTED);
                    }
                });
                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/after");
                final List<AuditRecord> invalid = d.audits(AuditDecision.INVALID);
                assertThat(invalid).singleElement().satisfies(a -> {
                    assertThat(a.getReason()).contains(code).doesNotContain(PLANTED);
                    assertThat(a.getDetails()).containsEntry("error_code", code);
                });
                assertThat(d.statistics()).containsEntry(DetectionStatistics.INVALID_EVENTS, 1L)
                        .containsEntry(DetectionStatistics.TOTAL_EVENTS, 2L);
            }
        }

        @Test
        void theReasonNamesTheProblem() {
            try (DetectionDriver d = new DetectionDriver()) {
                d.send(event("failed_auth_spike", "high").id("x").at(T).set("threat_level", "severe").bytes());

                assertThat(header(d.deadLetters().get(0), DeadLetterHandler.REASON_HEADER))
                        .isEqualTo("threat_level must be one of low, medium, high, critical");
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

                assertThat(d.commands()).extracting(kv -> kv.key)
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
                assertThat(d.statistics()).containsEntry(DetectionStatistics.TOTAL_EVENTS, 1L)
                        .containsEntry(DetectionStatistics.EMERGENCY_ROTATIONS, 2L);
            }
        }
    }
}
