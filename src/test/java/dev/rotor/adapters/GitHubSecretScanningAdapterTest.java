package dev.rotor.adapters;

import static dev.rotor.adapters.Fixtures.adapt;
import static dev.rotor.adapters.Fixtures.bytes;
import static dev.rotor.adapters.Fixtures.edited;
import static dev.rotor.adapters.Fixtures.event;
import static dev.rotor.adapters.Fixtures.events;
import static dev.rotor.adapters.Fixtures.meta;
import static dev.rotor.adapters.Fixtures.notRelevant;
import static dev.rotor.adapters.Fixtures.object;
import static dev.rotor.adapters.Fixtures.unmapped;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** GitHub secret scanning webhook deliveries: the published payloads, and actions derived from them. */
class GitHubSecretScanningAdapterTest {
    private static final String REOPENED = "github--secret-scanning-alert-reopened.json";
    private static final String LOCATION = "github--secret-scanning-alert-location-created.json";
    private static final String PRINCIPAL =
            "repository=Codertocat/Hello-World, owner=Codertocat, organization=Codertocat, "
                    + "secret_type=adafruit_io_key";
    private static final String ALERT = "GitHub secret scanning alert #191 (adafruit_io_key) in Codertocat/Hello-World";

    private static Map<String, String> metadata(final String action, final String... more) {
        final Map<String, String> m = meta(
                "source",
                "github",
                "principal",
                PRINCIPAL,
                "repository",
                "Codertocat/Hello-World",
                "alert_number",
                "191",
                "alert_type",
                "adafruit_io_key",
                "action",
                action);
        m.putAll(meta(more));
        return m;
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                arguments(
                        REOPENED + " (no time in the payload: the record's)",
                        bytes(REOPENED),
                        events(event(
                                "github:Codertocat/Hello-World#191/reopened@2026-11-25T11:00:00Z",
                                "api_key_exposed",
                                ThreatLevel.high,
                                ALERT + " reopened",
                                List.of("secret/ci/Hello-World/adafruit"),
                                null,
                                "2026-11-25T11:00:00Z",
                                metadata("reopened")))),
                arguments(
                        LOCATION,
                        bytes(LOCATION),
                        notRelevant(
                                "github:Codertocat/Hello-World#191/created@2022-04-01T12:04:28Z",
                                "2022-04-01T12:04:28Z",
                                "a new location of " + ALERT + "; the alert's own deliveries rotate")),
                arguments(
                        "a location delivery without action (optional there)",
                        edited(LOCATION, n -> n.remove("action")),
                        notRelevant(
                                "github:Codertocat/Hello-World#191/location@2022-04-01T12:04:28Z",
                                "2022-04-01T12:04:28Z",
                                "a new location of " + ALERT + "; the alert's own deliveries rotate")),
                // Rows derived from the reopened payload by changing the fields named:
                arguments(
                        "created, with created_at and html_url",
                        edited(REOPENED, n -> {
                            n.put("action", "created");
                            object(n, "alert")
                                    .put("created_at", "2022-04-01T11:01:10Z")
                                    .put(
                                            "html_url",
                                            "https://github.com/Codertocat/Hello-World/security/secret-scanning/191");
                        }),
                        events(event(
                                "github:Codertocat/Hello-World#191/created@2022-04-01T11:01:10Z",
                                "api_key_exposed",
                                ThreatLevel.high,
                                ALERT + " created",
                                List.of("secret/ci/Hello-World/adafruit"),
                                null,
                                "2022-04-01T11:01:10Z",
                                metadata(
                                        "created",
                                        "alert_url",
                                        "https://github.com/Codertocat/Hello-World/security/secret-scanning/191")))),
                arguments(
                        "publicly_leaked: critical",
                        edited(REOPENED, n -> {
                            n.put("action", "publicly_leaked");
                            object(n, "alert").put("updated_at", "2024-03-01T09:00:00Z");
                        }),
                        events(event(
                                "github:Codertocat/Hello-World#191/publicly_leaked@2024-03-01T09:00:00Z",
                                "api_key_exposed",
                                ThreatLevel.critical,
                                ALERT + " publicly leaked",
                                List.of("secret/ci/Hello-World/adafruit"),
                                null,
                                "2024-03-01T09:00:00Z",
                                metadata("publicly_leaked", "publicly_leaked", "true")))),
                arguments(
                        "reopened with alert.publicly_leaked: critical",
                        edited(REOPENED, n -> object(n, "alert").put("publicly_leaked", true)),
                        events(event(
                                "github:Codertocat/Hello-World#191/reopened@2026-11-25T11:00:00Z",
                                "api_key_exposed",
                                ThreatLevel.critical,
                                ALERT + " reopened: publicly leaked",
                                List.of("secret/ci/Hello-World/adafruit"),
                                null,
                                "2026-11-25T11:00:00Z",
                                metadata("reopened", "publicly_leaked", "true")))),
                arguments(
                        "validated as active",
                        edited(REOPENED, n -> {
                            n.put("action", "validated");
                            object(n, "alert").put("validity", "active");
                        }),
                        events(event(
                                "github:Codertocat/Hello-World#191/validated@2026-11-25T11:00:00Z",
                                "api_key_exposed",
                                ThreatLevel.high,
                                ALERT + " validated",
                                List.of("secret/ci/Hello-World/adafruit"),
                                null,
                                "2026-11-25T11:00:00Z",
                                metadata("validated", "validity", "active")))),
                arguments(
                        "validated as inactive: no rotation",
                        edited(REOPENED, n -> {
                            n.put("action", "validated");
                            object(n, "alert").put("validity", "inactive");
                        }),
                        notRelevant(
                                "github:Codertocat/Hello-World#191/validated@2026-11-25T11:00:00Z",
                                "2026-11-25T11:00:00Z",
                                ALERT + " was validated as inactive, not active")),
                arguments(
                        "resolved as revoked: no rotation",
                        edited(REOPENED, n -> {
                            n.put("action", "resolved");
                            object(n, "alert").put("resolution", "revoked").put("updated_at", "2022-04-02T10:00:00Z");
                        }),
                        notRelevant(
                                "github:Codertocat/Hello-World#191/resolved@2022-04-02T10:00:00Z",
                                "2022-04-02T10:00:00Z",
                                ALERT + " was resolved (resolution: revoked)")),
                arguments(
                        "assigned: no rotation",
                        edited(REOPENED, n -> n.put("action", "assigned")),
                        notRelevant(
                                "github:Codertocat/Hello-World#191/assigned@2026-11-25T11:00:00Z",
                                "2026-11-25T11:00:00Z",
                                ALERT + ": action assigned does not expose the secret")),
                arguments(
                        "another repository: unmapped",
                        edited(REOPENED, n -> object(n, "repository").put("full_name", "octo-org/api")),
                        unmapped(
                                event(
                                        "github:octo-org/api#191/reopened@2026-11-25T11:00:00Z",
                                        "api_key_exposed",
                                        ThreatLevel.high,
                                        "GitHub secret scanning alert #191 (adafruit_io_key) in octo-org/api reopened",
                                        List.of(),
                                        null,
                                        "2026-11-25T11:00:00Z",
                                        meta(
                                                "source",
                                                "github",
                                                "principal",
                                                "repository=octo-org/api, owner=Codertocat, organization=Codertocat, "
                                                        + "secret_type=adafruit_io_key",
                                                "repository",
                                                "octo-org/api",
                                                "alert_number",
                                                "191",
                                                "alert_type",
                                                "adafruit_io_key",
                                                "action",
                                                "reopened")),
                                "repository=octo-org/api, owner=Codertocat, organization=Codertocat, "
                                        + "secret_type=adafruit_io_key")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void eachDeliveryGivesExactlyThis(final String name, final byte[] input, final Adaptation expected) {
        assertThat(adapt(SourceFormat.GITHUB, input)).isEqualTo(expected);
    }

    @Test
    void theSecretItselfIsNeverRead() {
        final String planted = "aio_PLANTEDvalueThatMustNeverLeave0123";
        final Adaptation a = adapt(
                SourceFormat.GITHUB, edited(REOPENED, n -> object(n, "alert").put("secret", planted)));
        assertThat(a.events()).hasSize(1);
        assertThat(a.toString()).doesNotContain(planted);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments(
                        "no alert",
                        edited(REOPENED, n -> n.remove("alert")),
                        Code.UNKNOWN_PAYLOAD,
                        "alert or repository is missing: not a secret_scanning_alert delivery"),
                arguments(
                        "a push webhook",
                        "{\"ref\": \"refs/heads/main\", \"repository\": {}}".getBytes(UTF_8),
                        Code.UNKNOWN_PAYLOAD,
                        "alert or repository is missing"),
                arguments(
                        "alert.number as a string",
                        edited(REOPENED, n -> object(n, "alert").put("number", "191")),
                        Code.WRONG_TYPE,
                        "alert.number must be a whole number, found a string"),
                arguments(
                        "no secret_type",
                        edited(REOPENED, n -> object(n, "alert").remove("secret_type")),
                        Code.MISSING_FIELD,
                        "alert.secret_type is missing"),
                arguments(
                        "an unreadable updated_at",
                        edited(REOPENED, n -> object(n, "alert").put("updated_at", "April 1st")),
                        Code.INVALID_TIMESTAMP,
                        "alert.updated_at is not an ISO-8601 date-time"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void malformedOrForeignDeliveriesAreRefusedWithTheReason(
            final String name, final byte[] input, final Code code, final String reason) {
        assertThatThrownBy(() -> adapt(SourceFormat.GITHUB, input))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).startsWith(reason);
                });
    }
}
