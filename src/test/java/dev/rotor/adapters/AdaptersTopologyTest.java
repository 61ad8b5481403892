package dev.rotor.adapters;

import static dev.rotor.adapters.AdapterDriver.AWS;
import static dev.rotor.adapters.AdapterDriver.AWS_DLQ;
import static dev.rotor.adapters.AdapterDriver.ECS;
import static dev.rotor.adapters.AdapterDriver.GITHUB;
import static dev.rotor.adapters.AdapterDriver.NOW;
import static dev.rotor.adapters.AdapterDriver.OCSF;
import static dev.rotor.adapters.AdapterDriver.VAULT;
import static dev.rotor.adapters.AdapterDriver.header;
import static dev.rotor.adapters.Fixtures.edited;
import static dev.rotor.adapters.Fixtures.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.streams.DeadLetterHandler;
import dev.rotor.streams.Statistic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The adapter sources wired into detection: same rules and audit as native events; their own DLQs. */
class AdaptersTopologyTest {
    private static final String WINDOWS_4625 = "ocsf--authentication-3002-failure-windows-4625.json";
    private static final String REOPENED = "github--secret-scanning-alert-reopened.json";
    private static final String VAULT_DENIED = "vault--contract-04-permission-denied-response.json";

    /** The Windows 4625 failure sample for another user, with its own id and time. */
    static byte[] ocsfFailure(final String user, final String uid, final Instant time) {
        return edited(WINDOWS_4625, n -> {
            object(n, "user").put("name", user);
            object(n, "metadata").put("uid", uid);
            n.put("time", time.toEpochMilli());
        });
    }

    /** Contract sample 04 (a permission denied response) as a denied read of a KV v2 secret. */
    static byte[] vaultDeniedRead(final String path, final String requestId, final Instant time) {
        return edited(VAULT_DENIED, n -> {
            n.put("time", time.toString());
            object(n, "request")
                    .put("path", path)
                    .put("operation", "read")
                    .put("mount_type", "kv")
                    .put("id", requestId);
        });
    }

    /** The reopened delivery as a publicly_leaked one. */
    static byte[] githubPubliclyLeaked(final Instant time) {
        return edited(REOPENED, n -> {
            n.put("action", "publicly_leaked");
            object(n, "alert").put("updated_at", time.toString());
        });
    }

    @Test
    void everySourceIsReadByTheOneDecoderAndSharesTheRepartition() {
        try (AdapterDriver d = new AdapterDriver()) {
            final TopologyDescription description = d.topology.describe();
            assertThat(description.subtopologies()).hasSize(2);
            assertThat(description.subtopologies().stream()
                            .flatMap(s -> s.nodes().stream())
                            .filter(n -> n instanceof TopologyDescription.Source)
                            .filter(n -> n.name().equals("read-security-events"))
                            .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream()))
                    .containsExactlyInAnyOrder("security-events", OCSF, VAULT, GITHUB, AWS, ECS);
            assertThat(description.subtopologies().stream()
                            .flatMap(s -> s.nodes().stream())
                            .filter(n -> n instanceof TopologyDescription.Sink)
                            .map(n -> ((TopologyDescription.Sink) n).topic()))
                    .containsExactlyInAnyOrder(
                            "events-by-secret-path-repartition",
                            "rotation-commands",
                            "rotation-audit",
                            "rotation-audit",
                            "security-events-dlq");
        }
    }

    @Test
    void tenOcsfFailuresForOneMappedUserWithinFifteenMinutesRotateOnce() {
        try (AdapterDriver d = new AdapterDriver()) {
            final Instant start = NOW.minus(Duration.ofMinutes(20));
            for (int i = 0; i < 10; i++) {
                final Instant t = start.plus(Duration.ofSeconds(90L * i));
                d.send(OCSF, ocsfFailure("svc-payments", "4625-" + i, t), t);
            }

            final List<KeyValue<String, RotationCommand>> commands = d.commands();
            assertThat(commands).singleElement().satisfies(c -> {
                assertThat(c.key).isEqualTo("secret/prod/svc-payments");
                assertThat(c.value.getRule()).isEqualTo("failed-auth-threshold");
                assertThat(c.value.getEventId()).isEqualTo("4625-9");
                assertThat(c.value.getTrigger().getMetadata())
                        .containsEntry("source", "ocsf")
                        .containsEntry(
                                "principal", "user.name=svc-payments, user.uid=NULL SID, user.domain=EC2AMAZ-6KJ2BPP");
            });
            assertThat(d.audits(AuditDecision.BELOW_THRESHOLD)).hasSize(9);
        }
    }

    @Test
    void aReplayedOcsfRecordIsCountedOnce() {
        try (AdapterDriver d = new AdapterDriver()) {
            final Instant t = NOW.minus(Duration.ofMinutes(1));
            d.send(OCSF, ocsfFailure("svc-a", "same-uid", t), t);
            d.send(OCSF, ocsfFailure("svc-a", "same-uid", t), t);

            assertThat(d.audits(AuditDecision.BELOW_THRESHOLD)).hasSize(1);
            assertThat(d.audits(AuditDecision.DUPLICATE_EVENT)).hasSize(1);
        }
    }

    @Test
    void anUnmappedPrincipalIsAuditedNamingItAndRotatesNothing() {
        try (AdapterDriver d = new AdapterDriver()) {
            final Instant t = NOW.minus(Duration.ofMinutes(1));
            d.send(OCSF, ocsfFailure("bob", "4625-bob", t), t);

            assertThat(d.commands()).isEmpty();
            assertThat(d.audits(AuditDecision.UNMAPPED)).singleElement().satisfies(a -> {
                assertThat(a.getEventId()).isEqualTo("4625-bob");
                assertThat(a.getSecretPath()).isNull();
                assertThat(a.getReason()).contains("user.name=bob");
                assertThat(a.getDetails())
                        .containsEntry("principal", "user.name=bob, user.uid=NULL SID, user.domain=EC2AMAZ-6KJ2BPP")
                        .containsEntry("source", "ocsf");
            });
            assertThat(d.deadLetters(OCSF + "-dlq")).isEmpty();
            assertThat(d.statistics()).containsEntry(Statistic.UNMAPPED_EVENTS.key(), 1L);
        }
    }

    @Test
    void aMalformedRecordGoesToItsSourcesDlqWithTheReasonAndTheNextRecordIsProcessed() {
        try (AdapterDriver d = new AdapterDriver()) {
            final byte[] poison = "{\"action\": \"publicly_leaked\", ".getBytes(StandardCharsets.UTF_8);
            d.send(GITHUB, poison);
            d.send(GITHUB, githubPubliclyLeaked(NOW.minusSeconds(30)));

            final List<TestRecord<byte[], byte[]>> dlq = d.deadLetters(GITHUB + "-dlq");
            assertThat(dlq).singleElement().satisfies(r -> {
                assertThat(r.value()).isEqualTo(poison);
                assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("INVALID_JSON");
                assertThat(header(r, DeadLetterHandler.REASON_HEADER)).startsWith("not valid JSON at line 1");
            });
            assertThat(d.deadLetters(d.config.topics().securityEventsDlq())).isEmpty();
            assertThat(d.audits(AuditDecision.INVALID)).hasSize(1);
            assertThat(d.commands()).singleElement().satisfies(c -> {
                assertThat(c.key).isEqualTo("secret/ci/Hello-World/adafruit");
                assertThat(c.value.getThreatLevel()).isEqualTo(ThreatLevel.critical);
                assertThat(c.value.getRule()).isEqualTo("critical-threat");
            });
        }
    }

    @Test
    void aRecordOfAnotherShapeGoesToTheConfiguredDlq() {
        try (AdapterDriver d = new AdapterDriver()) {
            d.send(AWS, Fixtures.bytes("ecs--system-auth-ssh-failed-password-root.json"));

            assertThat(d.deadLetters(AWS_DLQ))
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("UNKNOWN_PAYLOAD"));
            assertThat(d.statistics()).containsEntry(Statistic.INVALID_EVENTS.key(), 1L);
        }
    }

    @Test
    void recordsThatAreNoSecurityEventAreAuditedWithTheReasonNotDeadLettered() {
        try (AdapterDriver d = new AdapterDriver()) {
            d.send(VAULT, Fixtures.bytes("vault--contract-03-permission-denied-request.json"));
            d.send(VAULT, Fixtures.bytes("vault--elastic-line9-pki-help-request-no-id.json"));

            final List<AuditRecord> audits = d.audits(AuditDecision.NOT_RELEVANT);
            assertThat(audits).hasSize(2);
            assertThat(audits.get(0).getEventId()).isEqualTo("64026a53-97b9-3f8e-5b21-3048df903ca9");
            assertThat(audits.get(0).getReason())
                    .isEqualTo("not relevant: Vault audit request entry (calls are judged on their response entry)");
            assertThat(audits.get(1).getEventId()).isNull();
            assertThat(audits.get(1).getDetails()).containsEntry("record", VAULT + "-0@1");
            assertThat(audits.get(0).getAuditId()).isNotEqualTo(audits.get(1).getAuditId());
            assertThat(d.deadLetters(VAULT + "-dlq")).isEmpty();
            assertThat(d.statistics())
                    .containsEntry(Statistic.NOT_RELEVANT_EVENTS.key(), 2L)
                    .containsEntry(Statistic.TOTAL_EVENTS.key(), 2L);
        }
    }

    @Test
    void irrelevantRecordsCanBeOnlyCounted() {
        try (AdapterDriver d = new AdapterDriver(Map.of("rotor.adapters.audit-not-relevant", "false"))) {
            d.send(VAULT, Fixtures.bytes("vault--contract-03-permission-denied-request.json"));

            assertThat(d.audits()).isEmpty();
            assertThat(d.statistics()).containsEntry(Statistic.NOT_RELEVANT_EVENTS.key(), 1L);
        }
    }

    @Test
    void repeatedVaultPermissionDenialsOnOneSecretRotateItOnce() {
        try (AdapterDriver d = new AdapterDriver()) {
            for (int i = 0; i < 3; i++) {
                final Instant t = NOW.minus(Duration.ofSeconds(60 - i * 10L));
                d.send(VAULT, vaultDeniedRead("secret/data/app/db", "req-" + i, t), t);
            }

            assertThat(d.commands()).singleElement().satisfies(c -> {
                assertThat(c.key).isEqualTo("secret/app/db");
                assertThat(c.value.getRule()).isEqualTo("high-threat-indicator");
                assertThat(c.value.getEventType()).isEqualTo("unauthorized_access");
            });
            assertThat(d.audits(AuditDecision.SUPPRESSED)).hasSize(2);
        }
    }

    @Test
    void anAdaptedPathOutsideTheAllowlistIsAuditedNotDeadLettered() {
        try (AdapterDriver d = new AdapterDriver()) {
            // the sample as logged now: its own 2021 time is older than rotor.max-event-age
            d.send(
                    VAULT,
                    edited(
                            "vault--pki-issue-permission-denied-response.json",
                            n -> n.put("time", NOW.minusSeconds(30).toString())));

            assertThat(d.commands()).isEmpty();
            assertThat(d.audits(AuditDecision.PATH_REFUSED))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getDetails())
                            .containsEntry("refused_path", "internal-ca/issue/internal-server"));
            assertThat(d.deadLetters(VAULT + "-dlq")).isEmpty();
            assertThat(d.deadLetters(d.config.topics().securityEventsDlq())).isEmpty();
        }
    }

    @Test
    void aFailedConsoleLoginOfTheRootUserIsCountedForItsSecret() {
        try (AdapterDriver d = new AdapterDriver(Map.of("rotor.failed-auth.threshold", "1"))) {
            d.send(
                    AWS,
                    edited(
                            "aws--cloudtrail-consolelogin-failure-root.json",
                            n -> n.put("eventTime", NOW.minusSeconds(5).toString())));

            assertThat(d.commands()).singleElement().satisfies(c -> {
                assertThat(c.key).isEqualTo("secret/aws/111122223333/root");
                assertThat(c.value.getSecretPath()).isEqualTo("secret/aws/111122223333/root");
                assertThat(c.value.getTrigger().getSourceIp()).isEqualTo("192.0.2.0");
            });
        }
    }

    @Test
    void anAdaptedEventStampedFarInTheFutureGoesToTheSourcesDlq() {
        try (AdapterDriver d = new AdapterDriver()) {
            d.send(OCSF, ocsfFailure("svc-a", "future", NOW.plus(Duration.ofHours(1))));

            assertThat(d.deadLetters(OCSF + "-dlq"))
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("FUTURE_TIMESTAMP"));
            assertThat(d.audits(AuditDecision.INVALID))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getEventId()).isEqualTo("future"));
        }
    }

    @Test
    void anAdaptedEventOlderThanTheMaximumAgeGoesToTheSourcesDlq() {
        try (AdapterDriver d = new AdapterDriver()) {
            // OCSF time in epoch seconds: read as seconds, four days old
            final byte[] old = edited(WINDOWS_4625, n -> {
                object(n, "user").put("name", "svc-a");
                object(n, "metadata").put("uid", "old");
                n.put("time", NOW.minus(Duration.ofDays(4)).getEpochSecond());
            });
            d.send(OCSF, old);

            assertThat(d.deadLetters(OCSF + "-dlq")).singleElement().satisfies(r -> {
                assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("STALE_TIMESTAMP");
                assertThat(header(r, DeadLetterHandler.REASON_HEADER))
                        .isEqualTo("timestamp is more than 3d before rotor's clock (rotor.max-event-age)");
            });
            assertThat(d.audits(AuditDecision.BELOW_THRESHOLD)).isEmpty();
        }
    }

    /** The published sshd failure (Elastic's system module, ECS 8.0.0) for another user, at another time and port. */
    static byte[] sshFailure(final String user, final Instant time, final int port) {
        return edited(EcsAdapterTest.SSH, n -> {
            n.put("@timestamp", time.toString());
            object(n, "user").put("name", user);
            object(n, "source").put("port", port);
        });
    }

    @Test
    void tenFailedSshLoginsAsEcsDocumentsWithinFifteenMinutesRotateTheHostsSecretOnce() {
        try (AdapterDriver d = new AdapterDriver()) {
            final Instant start = NOW.minus(Duration.ofMinutes(14));
            for (int i = 0; i < 10; i++) {
                final Instant t = start.plus(Duration.ofSeconds(80L * i));
                d.send(ECS, sshFailure("deploy", t, 40000 + i), t);
            }

            assertThat(d.commands()).singleElement().satisfies(c -> {
                assertThat(c.key).isEqualTo("secret/hosts/slave22/deploy");
                assertThat(c.value.getRule()).isEqualTo("failed-auth-threshold");
                assertThat(c.value.getEventType()).isEqualTo("failed_auth_spike");
                assertThat(c.value.getTrigger().getSourceIp()).isEqualTo("89.160.20.156");
                assertThat(c.value.getTrigger().getMetadata())
                        .containsEntry("source", "ecs")
                        .containsEntry("principal", "user.name=deploy, host.name=slave22");
            });
            assertThat(d.audits(AuditDecision.BELOW_THRESHOLD)).hasSize(9);
            assertThat(d.deadLetters(ECS + "-dlq")).isEmpty();
        }
    }

    @Test
    void aReplayedEcsDocumentWithoutIdIsCountedOnce() {
        try (AdapterDriver d = new AdapterDriver()) {
            final Instant t = NOW.minus(Duration.ofMinutes(1));
            d.send(ECS, sshFailure("deploy", t, 40000), t);
            d.send(ECS, sshFailure("deploy", t, 40000), t);
            d.send(ECS, sshFailure("deploy", t, 40001), t);

            assertThat(d.audits(AuditDecision.BELOW_THRESHOLD)).hasSize(2);
            assertThat(d.audits(AuditDecision.DUPLICATE_EVENT)).hasSize(1);
        }
    }

    @Test
    void ecsRecordsThatAreNoFailureAreAuditedAndOtherShapesGoToTheEcsDlq() {
        try (AdapterDriver d = new AdapterDriver()) {
            d.send(ECS, Fixtures.bytes(EcsAdapterTest.OKTA));
            d.send(ECS, Fixtures.bytes("ocsf--authentication-3002-failure-windows-4625.json"));

            assertThat(d.audits(AuditDecision.NOT_RELEVANT)).singleElement().satisfies(a -> {
                assertThat(a.getEventId()).isEqualTo("3aeede38-4f67-11ea-abd3-1f5d113f2546");
                assertThat(a.getReason())
                        .isEqualTo("not relevant: ECS authentication with event.outcome success is not a failure");
            });
            assertThat(d.deadLetters(ECS + "-dlq"))
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("UNKNOWN_PAYLOAD"));
            assertThat(d.commands()).isEmpty();
        }
    }

    @Test
    void aGetFindingsListWithTwoHighCredentialFindingsRotatesBothKeysAndAuditsTheRest() {
        try (AdapterDriver d = new AdapterDriver()) {
            final Instant t = NOW.minusSeconds(30);
            final ObjectNode first = AwsFindingsTest.apiFinding(f -> {
                f.put("Type", "UnauthorizedAccess:IAMUser/MaliciousIPCaller")
                        .put("Severity", 8)
                        .put("Id", "gd-1")
                        .put("UpdatedAt", t.toString());
                object(object(f, "Resource"), "AccessKeyDetails").put("AccessKeyId", "AKIAIOSFODNN7EXAMPLE");
            });
            final ObjectNode second = AwsFindingsTest.asffCredentialFinding(f -> {
                ((ObjectNode) f.get("Resources").get(0)).put("Id", "AWS::IAM::AccessKey:AKIAI44QH8DHBEXAMPLE");
                object(f, "Severity").put("Label", "HIGH");
                f.put("UpdatedAt", t.toString());
            });
            final ObjectNode recon =
                    AwsFindingsTest.apiFinding(f -> f.put("Id", "gd-recon").put("UpdatedAt", t.toString()));
            d.send(AWS, AwsFindingsTest.findings(first, recon, second), t);

            assertThat(d.commands())
                    .extracting(c -> c.key, c -> c.value.getRule())
                    .containsExactlyInAnyOrder(
                            tuple("secret/aws/keys/AKIAIOSFODNN7EXAMPLE", "high-threat-indicator"),
                            tuple("secret/aws/keys/AKIAI44QH8DHBEXAMPLE", "high-threat-indicator"));
            assertThat(d.audits(AuditDecision.NOT_RELEVANT))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getEventId()).isEqualTo("gd-recon"));
            assertThat(d.deadLetters(AWS_DLQ)).isEmpty();
        }
    }

    @Test
    void aSecurityHubFindingInItsEventBridgeEnvelopeRotatesTheMappedKey() {
        try (AdapterDriver d = new AdapterDriver()) {
            final Instant t = NOW.minusSeconds(30);
            final ObjectNode detail = JsonNodeFactory.instance.objectNode();
            detail.putArray("findings").add(AwsFindingsTest.asffCredentialFinding(f -> {
                ((ObjectNode) f.get("Resources").get(0)).put("Id", "AWS::IAM::AccessKey:AKIAIOSFODNN7EXAMPLE");
                object(f, "Severity").put("Label", "CRITICAL");
                f.put("UpdatedAt", t.toString());
            }));
            d.send(AWS, AwsFindingsTest.securityHubEvent("Security Hub Findings - Imported", detail), t);

            assertThat(d.commands()).singleElement().satisfies(c -> {
                assertThat(c.key).isEqualTo("secret/aws/keys/AKIAIOSFODNN7EXAMPLE");
                assertThat(c.value.getThreatLevel()).isEqualTo(ThreatLevel.critical);
                assertThat(c.value.getEventId()).isEqualTo(AwsFindingsTest.SAMPLE_ID);
                assertThat(c.value.getTrigger().getMetadata())
                        .containsEntry("finding_type", AwsFindingsTest.MALICIOUS_IP_CALLER);
            });
        }
    }
}
