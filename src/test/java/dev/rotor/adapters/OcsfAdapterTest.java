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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** OCSF: every published sample, and rows derived from them, give exactly these events or this reason. */
class OcsfAdapterTest {
    private static final String WINDOWS_4625 = "ocsf--authentication-3002-failure-windows-4625.json";
    private static final String WINDOWS_4625_OLD = "ocsf--authentication-3002-failure-windows-4625-v0.31.2.json";
    private static final String OKTA_FINDING = "ocsf--detection-finding-2004-okta-login-failures.json";
    private static final String ADMIN = "user.name=Administrator, user.uid=NULL SID, user.domain=EC2AMAZ-6KJ2BPP";

    static Stream<Arguments> samples() {
        return Stream.of(
                arguments(
                        WINDOWS_4625,
                        bytes(WINDOWS_4625),
                        events(event(
                                "a738d6e6-4ebd-49bb-805e-45d0604a1bef",
                                "failed_auth_spike",
                                ThreatLevel.low,
                                "An account failed to log on. (Unknown user name or bad password.)",
                                List.of("secret/windows/6KJ2BPP/administrator"),
                                null,
                                "2020-10-08T16:41:47Z",
                                meta(
                                        "source",
                                        "ocsf",
                                        "principal",
                                        ADMIN,
                                        "ocsf_class_uid",
                                        "3002",
                                        "ocsf_version",
                                        "1.0.0-rc.2",
                                        "product",
                                        "Microsoft Windows")))),
                arguments(
                        WINDOWS_4625_OLD,
                        bytes(WINDOWS_4625_OLD),
                        events(event(
                                "dd6755af-393a-4eab-8f44-0c24f5ffc590",
                                "failed_auth_spike",
                                ThreatLevel.low,
                                "An account failed to log on. (Unknown user name or bad password.)",
                                List.of("secret/windows/6KJ2BPP/administrator"),
                                null,
                                "2020-10-08T16:41:47Z",
                                meta(
                                        "source",
                                        "ocsf",
                                        "principal",
                                        ADMIN,
                                        "ocsf_class_uid",
                                        "3002",
                                        "ocsf_version",
                                        "0.31.2",
                                        "product",
                                        "Microsoft Windows")))),
                arguments(
                        "ocsf--authentication-3002-success-cloudtrail-v1.1.0.json",
                        bytes("ocsf--authentication-3002-success-cloudtrail-v1.1.0.json"),
                        notRelevant(
                                "fed06f42-cb12-4764-8c69-example",
                                "2023-11-10T16:24:34Z",
                                "OCSF authentication without status_id (Success) is not a failure")),
                arguments(
                        "ocsf--authentication-3002-success-okta-v1.3.0.json (time in seconds)",
                        bytes("ocsf--authentication-3002-success-okta-v1.3.0.json"),
                        notRelevant(
                                "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a",
                                "2024-08-13T15:58:20Z",
                                "OCSF authentication with status_id 1 (Success) is not a failure")),
                arguments(
                        OKTA_FINDING + " (time in seconds, severity Unknown)",
                        bytes(OKTA_FINDING),
                        events(event(
                                "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a",
                                "brute_force_attack",
                                ThreatLevel.medium,
                                "Login Failures",
                                List.of("secret/okta/office365/1111111111"),
                                "10.0.0.1",
                                "2024-08-13T15:58:20Z",
                                meta(
                                        "source",
                                        "ocsf",
                                        "principal",
                                        "resource.name=/app/office365/1111111111/sso/wsfed/active",
                                        "ocsf_class_uid",
                                        "2004",
                                        "ocsf_version",
                                        "1.3.0",
                                        "product",
                                        "Okta System Log")))),
                arguments(
                        "ocsf--detection-finding-2004-guardduty-stealth-v1.1.0.json",
                        bytes("ocsf--detection-finding-2004-guardduty-stealth-v1.1.0.json"),
                        notRelevant(
                                "arn:aws:guardduty:us-east-2:111111111111:detector/1ac1bfceda6679698215d5d0EXAMPLE/"
                                        + "finding/"
                                        + "a6c556fcbc9bea427a19f8b787099a0b",
                                "2023-09-19T15:05:22.487Z",
                                "OCSF finding 'AWS CloudTrail trail arn:aws:cloudtrail:us-east-2:111111111111:trail/"
                                        + "delete-me was disabled.' shows no credential exposure or compromise")),
                arguments(
                        "ocsf--security-finding-2001-securityhub-v1.0.0-rc.2.json",
                        bytes("ocsf--security-finding-2001-securityhub-v1.0.0-rc.2.json"),
                        notRelevant(
                                "arn:aws:securityhub:us-east-1:123456789100:subscription/cis-aws-foundations-benchmark/"
                                        + "v/1.2.0/3.9/finding/randomsample",
                                "2022-08-04T18:09:19.100Z",
                                "the OCSF finding is closed, suppressed, resolved or archived (activity_id 2, "
                                        + "status 3)")),
                arguments(
                        "the README's minimal record",
                        ("{\"class_uid\": 3002, \"activity_id\": 1, \"status_id\": 2, "
                                        + "\"severity_id\": 1, \"time\": 1764066600000, \"metadata\": {\"uid\": "
                                        + "\"4f1c0d2e-0001\", "
                                        + "\"version\": \"1.1.0\"}, \"user\": {\"name\": \"svc-payments\"}, "
                                        + "\"src_endpoint\": {\"ip\": \"203.0.113.7\"}}")
                                .getBytes(UTF_8),
                        events(event(
                                "4f1c0d2e-0001",
                                "failed_auth_spike",
                                ThreatLevel.low,
                                "OCSF authentication failure",
                                List.of("secret/prod/svc-payments"),
                                "203.0.113.7",
                                "2025-11-25T10:30:00Z",
                                meta(
                                        "source",
                                        "ocsf",
                                        "principal",
                                        "user.name=svc-payments",
                                        "ocsf_class_uid",
                                        "3002",
                                        "ocsf_version",
                                        "1.1.0")))),
                // Rows derived from the real samples by changing the fields named:
                arguments(
                        "4625 for svc-payments: second mapping, user.name in the template",
                        edited(WINDOWS_4625, n -> object(n, "user").put("name", "svc-payments")),
                        events(event(
                                "a738d6e6-4ebd-49bb-805e-45d0604a1bef",
                                "failed_auth_spike",
                                ThreatLevel.low,
                                "An account failed to log on. (Unknown user name or bad password.)",
                                List.of("secret/prod/svc-payments"),
                                null,
                                "2020-10-08T16:41:47Z",
                                meta(
                                        "source",
                                        "ocsf",
                                        "principal",
                                        "user.name=svc-payments, user.uid=NULL SID, user.domain=EC2AMAZ-6KJ2BPP",
                                        "ocsf_class_uid",
                                        "3002",
                                        "ocsf_version",
                                        "1.0.0-rc.2",
                                        "product",
                                        "Microsoft Windows")))),
                arguments(
                        "4625 for bob: unmapped",
                        edited(WINDOWS_4625, n -> object(n, "user").put("name", "bob")),
                        unmapped(
                                event(
                                        "a738d6e6-4ebd-49bb-805e-45d0604a1bef",
                                        "failed_auth_spike",
                                        ThreatLevel.low,
                                        "An account failed to log on. (Unknown user name or bad password.)",
                                        List.of(),
                                        null,
                                        "2020-10-08T16:41:47Z",
                                        meta(
                                                "source",
                                                "ocsf",
                                                "principal",
                                                "user.name=bob, user.uid=NULL SID, user.domain=EC2AMAZ-6KJ2BPP",
                                                "ocsf_class_uid",
                                                "3002",
                                                "ocsf_version",
                                                "1.0.0-rc.2",
                                                "product",
                                                "Microsoft Windows")),
                                "user.name=bob, user.uid=NULL SID, user.domain=EC2AMAZ-6KJ2BPP")),
                arguments(
                        "4625 with severity_id 5 (Critical): one failed login is capped at high",
                        edited(WINDOWS_4625, n -> n.put("severity_id", 5)),
                        events(event(
                                "a738d6e6-4ebd-49bb-805e-45d0604a1bef",
                                "failed_auth_spike",
                                ThreatLevel.high,
                                "An account failed to log on. (Unknown user name or bad password.)",
                                List.of("secret/windows/6KJ2BPP/administrator"),
                                null,
                                "2020-10-08T16:41:47Z",
                                meta(
                                        "source",
                                        "ocsf",
                                        "principal",
                                        ADMIN,
                                        "ocsf_class_uid",
                                        "3002",
                                        "ocsf_version",
                                        "1.0.0-rc.2",
                                        "product",
                                        "Microsoft Windows")))),
                arguments(
                        "4625 as a Logoff (activity_id 2)",
                        edited(WINDOWS_4625, n -> n.put("activity_id", 2)),
                        notRelevant(
                                "a738d6e6-4ebd-49bb-805e-45d0604a1bef",
                                "2020-10-08T16:41:47Z",
                                "a failed OCSF Logoff is not a failed login")),
                arguments(
                        "4625 with status_id 1",
                        edited(WINDOWS_4625, n -> n.put("status_id", 1)),
                        notRelevant(
                                "a738d6e6-4ebd-49bb-805e-45d0604a1bef",
                                "2020-10-08T16:41:47Z",
                                "OCSF authentication with status_id 1 (0xC000006D) is not a failure")),
                arguments(
                        "Okta finding titled as an exposed key, severity_id 5",
                        edited(OKTA_FINDING, n -> {
                            object(n, "finding_info").put("title", "Exposed API key found in a public repository");
                            n.put("severity_id", 5);
                        }),
                        events(event(
                                "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a",
                                "leaked_credential",
                                ThreatLevel.critical,
                                "Exposed API key found in a public repository",
                                List.of("secret/okta/office365/1111111111"),
                                "10.0.0.1",
                                "2024-08-13T15:58:20Z",
                                meta(
                                        "source",
                                        "ocsf",
                                        "principal",
                                        "resource.name=/app/office365/1111111111/sso/wsfed/active",
                                        "ocsf_class_uid",
                                        "2004",
                                        "ocsf_version",
                                        "1.3.0",
                                        "product",
                                        "Okta System Log")))),
                arguments(
                        "Okta finding closed (activity_id 3)",
                        edited(OKTA_FINDING, n -> n.put("activity_id", 3)),
                        notRelevant(
                                "dc9fd3c0-598c-11ef-8478-2b7584bf8d5a",
                                "2024-08-13T15:58:20Z",
                                "the OCSF finding is closed, suppressed, resolved or archived (activity_id 3, "
                                        + "status -1)")),
                arguments(
                        "4625 as Network Activity (4001)",
                        edited(WINDOWS_4625, n -> n.put("class_uid", 4001)),
                        notRelevant(
                                "a738d6e6-4ebd-49bb-805e-45d0604a1bef",
                                "2020-10-08T16:41:47Z",
                                "OCSF class 4001 is neither Authentication (3002) nor a finding (2001, 2004)")),
                arguments(
                        "4625 with time_dt only",
                        edited(WINDOWS_4625, n -> {
                            n.remove("time");
                            n.put("time_dt", "2020-10-08T12:41:47-04:00");
                        }),
                        events(event(
                                "a738d6e6-4ebd-49bb-805e-45d0604a1bef",
                                "failed_auth_spike",
                                ThreatLevel.low,
                                "An account failed to log on. (Unknown user name or bad password.)",
                                List.of("secret/windows/6KJ2BPP/administrator"),
                                null,
                                "2020-10-08T16:41:47Z",
                                meta(
                                        "source",
                                        "ocsf",
                                        "principal",
                                        ADMIN,
                                        "ocsf_class_uid",
                                        "3002",
                                        "ocsf_version",
                                        "1.0.0-rc.2",
                                        "product",
                                        "Microsoft Windows")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void eachSampleGivesExactlyThis(final String name, final byte[] input, final Adaptation expected) {
        assertThat(adapt(SourceFormat.OCSF, input)).isEqualTo(expected);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments(
                        "an ECS document (Elastic) is not OCSF",
                        bytes("ecs--system-auth-ssh-failed-password-root.json"),
                        Code.UNKNOWN_PAYLOAD,
                        "class_uid is missing: not an OCSF event"),
                arguments(
                        "class_uid as a string",
                        edited(WINDOWS_4625, n -> n.put("class_uid", "3002")),
                        Code.WRONG_TYPE,
                        "class_uid must be a whole number, found a string"),
                arguments(
                        "time as a string",
                        edited(WINDOWS_4625, n -> n.put("time", "yesterday")),
                        Code.INVALID_TIMESTAMP,
                        "time must be epoch milliseconds (a number), found a string"),
                arguments(
                        "no time at all",
                        edited(WINDOWS_4625, n -> n.remove("time")),
                        Code.MISSING_FIELD,
                        "time is missing"),
                arguments(
                        "a JSON array",
                        "[{\"class_uid\": 3002}]".getBytes(UTF_8),
                        Code.UNKNOWN_PAYLOAD,
                        "a ocsf record must be a JSON object, found an array"),
                arguments(
                        "truncated JSON",
                        "{\"class_uid\": 3002, ".getBytes(UTF_8),
                        Code.INVALID_JSON,
                        "not valid JSON"),
                arguments(
                        "a duplicate key",
                        "{\"class_uid\": 3002, \"class_uid\": 2004}".getBytes(UTF_8),
                        Code.INVALID_JSON,
                        "not valid JSON"),
                arguments(
                        "100,000 nested arrays",
                        "[".repeat(100_000).getBytes(UTF_8),
                        Code.INVALID_JSON,
                        "not valid JSON"),
                arguments(
                        "time beyond a double",
                        new String(edited(WINDOWS_4625, n -> n.put("time", "__t__")), StandardCharsets.UTF_8)
                                .replace("\"__t__\"", "1e999")
                                .getBytes(StandardCharsets.UTF_8),
                        Code.INVALID_TIMESTAMP,
                        "time is out of range"),
                arguments(
                        "time negative",
                        edited(WINDOWS_4625, n -> n.put("time", -1)),
                        Code.INVALID_TIMESTAMP,
                        "time must not be negative"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void malformedOrForeignRecordsAreRefusedWithTheReason(
            final String name, final byte[] input, final Code code, final String reason) {
        assertThatThrownBy(() -> adapt(SourceFormat.OCSF, input))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).startsWith(reason);
                });
    }

    @Test
    void epochSecondsAndMillisecondsGiveTheSameTime() {
        final Adaptation millis = adapt(SourceFormat.OCSF, edited(WINDOWS_4625, n -> n.put("time", 1602175307000L)));
        final Adaptation seconds = adapt(SourceFormat.OCSF, edited(WINDOWS_4625, n -> n.put("time", 1602175307)));
        final Adaptation fraction = adapt(SourceFormat.OCSF, edited(WINDOWS_4625, n -> n.put("time", 1602175307.25)));
        assertThat(seconds).isEqualTo(millis);
        assertThat(fraction.events().get(0).getTimestamp().toEpochMilli()).isEqualTo(1602175307250L);
    }

    @Test
    void findingsAreClassifiedByTitleOrTypes() {
        assertThat(OcsfAdapter.classify("ttps/initial access/unauthorizedaccess:iamuser-consoleloginsuccess.b"))
                .isEqualTo("unauthorized_access");
        assertThat(OcsfAdapter.classify("ttps/credential access/credentialaccess:iamuser-anomalousbehavior"))
                .isEqualTo("unauthorized_access");
        assertThat(OcsfAdapter.classify("compromised credentials used from a tor exit node"))
                .isEqualTo("unauthorized_access");
        assertThat(OcsfAdapter.classify("password spray against the vpn")).isEqualTo("brute_force_attack");
        assertThat(OcsfAdapter.classify("aws access key leaked on pastebin")).isEqualTo("leaked_credential");
        assertThat(OcsfAdapter.classify("ssh port exposed to the internet")).isNull();
        assertThat(OcsfAdapter.classify("compromised host beaconing")).isNull();
    }
}
