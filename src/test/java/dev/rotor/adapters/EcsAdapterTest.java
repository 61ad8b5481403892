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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.Hashing;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Elastic Common Schema: the published samples, and rows derived from them (nested, dotted and mixed keys). */
class EcsAdapterTest {
    static final String SSH = "ecs--system-auth-ssh-failed-password-root.json";
    static final String WINDOWS = "ecs--windows-security-4625-logon-failed.json";
    static final String CLOUDTRAIL = "ecs--aws-cloudtrail-consolelogin-failure-iam-user.json";
    static final String OKTA = "ecs--okta-user-session-start-success.json";
    private static final String ROOT_ON_SLAVE22 = "user.name=root, host.name=slave22";

    /** The id of a document without event.id or _id: a hash of the whole document, as the adapter reads it. */
    static String derivedId(final JsonNode document) {
        return "derived-" + Hashing.id("ecs", document.toString());
    }

    private static SecurityEvent sshFailure(final String id, final List<String> paths, final String principal) {
        return event(
                id,
                "failed_auth_spike",
                ThreatLevel.medium,
                "Failed authentication of root on slave22 (ssh_login)",
                paths,
                "89.160.20.156",
                "2022-02-20T08:35:22Z",
                meta("source", "ecs", "principal", principal, "ecs_version", "8.0.0", "event_action", "ssh_login"));
    }

    private static byte[] json(final JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Every field of {@code node} as a dotted top-level key ({@code "event.outcome": "failure"}). */
    static ObjectNode dotted(final JsonNode node) {
        final ObjectNode out = JsonNodeFactory.instance.objectNode();
        flatten("", node, out);
        return out;
    }

    private static void flatten(final String prefix, final JsonNode node, final ObjectNode out) {
        for (final Map.Entry<String, JsonNode> e : node.properties()) {
            final String key = prefix + e.getKey();
            if (e.getValue().isObject() && !e.getValue().isEmpty()) {
                flatten(key + ".", e.getValue(), out);
            } else {
                out.set(key, e.getValue());
            }
        }
    }

    /** The top-level objects' fields as dotted keys, their objects kept nested ({@code "event.category": [..]}). */
    static ObjectNode mixed(final JsonNode node) {
        final ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (final Map.Entry<String, JsonNode> e : node.properties()) {
            if (e.getValue().isObject()) {
                e.getValue().properties().forEach(f -> out.set(e.getKey() + "." + f.getKey(), f.getValue()));
            } else {
                out.set(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    static Stream<Arguments> samples() {
        final ObjectNode hit = JsonNodeFactory.instance
                .objectNode()
                .put("_index", ".ds-logs-system.auth-default")
                .put("_id", "dPy2jYEBvR0n7s9kK1aV");
        hit.set("_source", Fixtures.tree(SSH));
        return Stream.of(
                arguments(
                        SSH + " (no event.id: hashed)",
                        bytes(SSH),
                        events(sshFailure(
                                derivedId(Fixtures.tree(SSH)), List.of("secret/hosts/slave22/root"), ROOT_ON_SLAVE22))),
                arguments(
                        WINDOWS,
                        bytes(WINDOWS),
                        events(event(
                                derivedId(Fixtures.tree(WINDOWS)),
                                "failed_auth_spike",
                                ThreatLevel.medium,
                                "Failed authentication of bosch on vagrant-2012-r2 (logon-failed)",
                                List.of("secret/windows/bosch"),
                                "::1",
                                "2019-03-29T21:45:35.177Z",
                                meta(
                                        "source",
                                        "ecs",
                                        "principal",
                                        "user.name=bosch, user.id=S-1-0-0, user.domain=VAGRANT-2012-R2, "
                                                + "host.name=vagrant-2012-r2",
                                        "ecs_version",
                                        "8.0.0",
                                        "event_action",
                                        "logon-failed",
                                        "event_code",
                                        "4625")))),
                arguments(
                        CLOUDTRAIL,
                        bytes(CLOUDTRAIL),
                        events(event(
                                "11ea990b-4678-4bcd-8fbe-625EXAMPLE",
                                "failed_auth_spike",
                                ThreatLevel.medium,
                                "Failed authentication of JaneDoe (ConsoleLogin)",
                                List.of("secret/aws/console/JaneDoe"),
                                "89.160.20.156",
                                "2014-07-08T17:35:27Z",
                                meta(
                                        "source",
                                        "ecs",
                                        "principal",
                                        "user.name=JaneDoe, user.id=AIDACKCEVSQ6C2EXAMPLE",
                                        "ecs_version",
                                        "8.11.0",
                                        "event_action",
                                        "ConsoleLogin")))),
                arguments(
                        OKTA,
                        bytes(OKTA),
                        notRelevant(
                                "3aeede38-4f67-11ea-abd3-1f5d113f2546",
                                "2020-02-14T20:18:57.718Z",
                                "ECS authentication with event.outcome success is not a failure")),
                // Rows derived from the real samples:
                arguments(
                        "the ssh failure as an Elasticsearch search hit (_id)",
                        json(hit),
                        events(sshFailure(
                                "dPy2jYEBvR0n7s9kK1aV", List.of("secret/hosts/slave22/root"), ROOT_ON_SLAVE22))),
                arguments(
                        "the ssh failure for a user no mapping names",
                        edited(SSH, n -> {
                            object(n, "event").put("id", "ssh-admin");
                            object(n, "user").put("name", "admin");
                        }),
                        unmapped(
                                event(
                                        "ssh-admin",
                                        "failed_auth_spike",
                                        ThreatLevel.medium,
                                        "Failed authentication of admin on slave22 (ssh_login)",
                                        List.of(),
                                        "89.160.20.156",
                                        "2022-02-20T08:35:22Z",
                                        meta(
                                                "source",
                                                "ecs",
                                                "principal",
                                                "user.name=admin, host.name=slave22",
                                                "ecs_version",
                                                "8.0.0",
                                                "event_action",
                                                "ssh_login")),
                                "user.name=admin, host.name=slave22")),
                arguments(
                        "the ssh failure without event.outcome, with the legacy type authentication_failure",
                        edited(SSH, n -> {
                            object(n, "event").put("id", "ssh-legacy").remove("outcome");
                        }),
                        events(sshFailure("ssh-legacy", List.of("secret/hosts/slave22/root"), ROOT_ON_SLAVE22))),
                arguments(
                        "the ssh failure with event.category as one string",
                        edited(
                                SSH,
                                n -> object(n, "event").put("id", "ssh-string").put("category", "authentication")),
                        events(sshFailure("ssh-string", List.of("secret/hosts/slave22/root"), ROOT_ON_SLAVE22))),
                arguments(
                        "the ssh failure with @timestamp in epoch milliseconds",
                        edited(SSH, n -> {
                            object(n, "event").put("id", "ssh-epoch");
                            n.put(
                                    "@timestamp",
                                    Instant.parse("2022-02-20T08:35:22Z").toEpochMilli());
                        }),
                        events(sshFailure("ssh-epoch", List.of("secret/hosts/slave22/root"), ROOT_ON_SLAVE22))),
                arguments(
                        "Okta without event.outcome",
                        edited(OKTA, n -> object(n, "event").remove("outcome")),
                        notRelevant(
                                "3aeede38-4f67-11ea-abd3-1f5d113f2546",
                                "2020-02-14T20:18:57.718Z",
                                "ECS authentication without event.outcome is not a failure")),
                arguments(
                        "event.outcome unknown",
                        edited(OKTA, n -> object(n, "event").put("outcome", "unknown")),
                        notRelevant(
                                "3aeede38-4f67-11ea-abd3-1f5d113f2546",
                                "2020-02-14T20:18:57.718Z",
                                "ECS authentication with event.outcome unknown is not a failure")),
                arguments(
                        "the 4625 as an Elastic Security alert (event.kind signal)",
                        edited(WINDOWS, n -> object(n, "event").put("kind", "signal")),
                        notRelevant(
                                null,
                                "2019-03-29T21:45:35.177Z",
                                "ECS event.kind signal is not event: only attempts are "
                                        + "counted, alerts are judged by the events they are about")),
                arguments(
                        "a failed logoff (event.type end)",
                        edited(WINDOWS, n -> object(n, "event").putArray("type").add("end")),
                        notRelevant(
                                null,
                                "2019-03-29T21:45:35.177Z",
                                "a failed ECS logoff (event.type end) is not a failed login")),
                arguments(
                        "another category",
                        edited(
                                CLOUDTRAIL,
                                n -> object(n, "event")
                                        .putArray("category")
                                        .add("iam")
                                        .add("configuration")),
                        notRelevant(
                                "11ea990b-4678-4bcd-8fbe-625EXAMPLE",
                                "2014-07-08T17:35:27Z",
                                "ECS event.category iam, configuration is not authentication")),
                arguments(
                        "no event.category (a raw line a Beat shipped unparsed)",
                        edited(SSH, n -> {
                            object(n, "event").remove("category");
                            n.put(
                                    "message",
                                    "Feb 20 08:35:22 slave22 sshd[5774]: Failed password for root from 89.160.20.156");
                        }),
                        notRelevant(null, "2022-02-20T08:35:22Z", "ECS event.category (none) is not authentication")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void eachSampleGivesExactlyThis(final String name, final byte[] input, final Adaptation expected) {
        assertThat(adapt(SourceFormat.ECS, input)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {SSH, WINDOWS, CLOUDTRAIL, OKTA})
    void dottedAndMixedKeysReadAsNestedOnes(final String fixture) {
        final ObjectNode nested = Fixtures.tree(fixture);
        if (!nested.path("event").has("id")) {
            object(nested, "event").put("id", "fixed-id"); // else the hashed ids differ, the documents being others
        }
        final Adaptation expected = adapt(SourceFormat.ECS, json(nested));

        assertThat(adapt(SourceFormat.ECS, json(dotted(nested)))).isEqualTo(expected);
        assertThat(adapt(SourceFormat.ECS, json(mixed(nested)))).isEqualTo(expected);
        assertThat(json(dotted(nested))).asString(StandardCharsets.UTF_8).contains("\"event.outcome\":");
    }

    @Test
    void aDocumentWithoutIdDedupesWhenReplayedButTwoAttemptsInOneSecondStayTwo() {
        final String first = adapt(SourceFormat.ECS, bytes(SSH)).events().get(0).getEventId();
        final String replayed =
                adapt(SourceFormat.ECS, bytes(SSH)).events().get(0).getEventId();
        final String nextAttempt = adapt(
                        SourceFormat.ECS, edited(SSH, n -> object(n, "source").put("port", 29161)))
                .events()
                .get(0)
                .getEventId();

        assertThat(replayed).isEqualTo(first);
        assertThat(nextAttempt).isNotEqualTo(first);
    }

    @Test
    void whatTheUserTypedNeverLeavesTheAdapter() {
        final Adaptation a = adapt(SourceFormat.ECS, edited(SSH, n -> {
            n.put("message", "Failed password for invalid user hunter2-typed-as-name from 89.160.20.156");
            object(n, "event").put("original", "sshd[5774]: password=hunter2");
        }));

        assertThat(a.events()).hasSize(1);
        assertThat(a.toString()).doesNotContain("hunter2");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments(
                        "an OCSF event",
                        bytes("ocsf--authentication-3002-failure-windows-4625.json"),
                        Code.UNKNOWN_PAYLOAD,
                        "neither @timestamp, ecs.version nor event fields: not an ECS document"),
                arguments(
                        "a CloudTrail event",
                        bytes("aws--cloudtrail-consolelogin-failure-iam-user.json"),
                        Code.UNKNOWN_PAYLOAD,
                        "neither @timestamp, ecs.version nor event fields"),
                arguments(
                        "a JSON array",
                        "[{\"@timestamp\": \"2022-02-20T08:35:22Z\"}]".getBytes(StandardCharsets.UTF_8),
                        Code.UNKNOWN_PAYLOAD,
                        "a ecs record must be a JSON object, found an array"),
                arguments(
                        "a failure without @timestamp",
                        edited(SSH, n -> n.remove("@timestamp")),
                        Code.MISSING_FIELD,
                        "@timestamp is missing"),
                arguments(
                        "a failure at an unreadable time",
                        edited(SSH, n -> n.put("@timestamp", "yesterday")),
                        Code.INVALID_TIMESTAMP,
                        "@timestamp is not an ISO-8601 date-time"),
                arguments(
                        "event.category as a number",
                        edited(SSH, n -> object(n, "event").put("category", 42)),
                        Code.WRONG_TYPE,
                        "event.category must be a string or an array of strings, found a number"),
                arguments(
                        "user.name as an object",
                        edited(SSH, n -> object(n, "user").putObject("name")),
                        Code.WRONG_TYPE,
                        "user.name must be a string, found an object"),
                arguments(
                        "event.outcome nested as failure and dotted as success",
                        edited(SSH, n -> n.put("event.outcome", "success")),
                        Code.WRONG_TYPE,
                        "event.outcome is given twice (nested and dotted keys) with different values"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void malformedOrForeignRecordsAreRefusedWithTheReason(
            final String name, final byte[] input, final Code code, final String reason) {
        assertThatThrownBy(() -> adapt(SourceFormat.ECS, input))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).startsWith(reason);
                });
    }

    @Test
    void theSameValueInBothSpellingsIsNoConflict() {
        final Adaptation both = adapt(SourceFormat.ECS, edited(SSH, n -> {
            object(n, "event").put("id", "both");
            n.put("event.outcome", "failure");
        }));

        assertThat(both.events()).extracting(SecurityEvent::getEventId).containsExactly("both");
    }
}
