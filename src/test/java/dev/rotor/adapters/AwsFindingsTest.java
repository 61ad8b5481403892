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
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AWS shapes people ship besides EventBridge's GuardDuty events: {@code aws guardduty get-findings} output
 * (PascalCase) and Security Hub findings in ASFF, bare, listed, or in EventBridge's {@code detail.findings}.
 */
class AwsFindingsTest {
    static final String GET_FINDINGS = "aws--guardduty-get-findings-recon-iamuser-userpermissions.json";
    static final String ASFF_GUARDDUTY_SAMPLE =
            "aws--securityhub-asff-guardduty-sample-recon-iamuser-maliciousipcaller.json";
    static final String ASFF_SSH_BRUTE_FORCE = "aws--securityhub-asff-guardduty-ec2-sshbruteforce.json";
    static final String ASFF_CONFIG = "aws--securityhub-asff-config-s3-bucket-public-access.json";
    static final String ASFF_IAM3 = "aws--securityhub-asff-fsbp-iam3-iamuser.json";
    static final String GET_FINDINGS_ID = "1ab92989eaf0e742df4a014d5example";
    static final String SAMPLE_ID =
            "arn:aws:guardduty:us-east-1:081476508764:detector/2eafe39b3fe0deb038f9063c281aa559/"
                    + "finding/56b39b790457e9cad83c292f725fd130";
    static final String MALICIOUS_IP_CALLER = "TTPs/UnauthorizedAccess:IAMUser-MaliciousIPCaller";
    // the access key id is a credential shape: normalisation redacts it in the principal text (mapping saw it)
    private static final String TESTUSER = "access_key_id=[REDACTED], user_name=testuser, "
            + "principal_id=AIDACKCEVSQ6C2EXAMPLE, account_id=111122223333, user_type=IAMUser";
    private static final String GENERATED = "access_key_id=GeneratedFindingAccessKeyId, "
            + "user_name=GeneratedFindingUserName, account_id=081476508764";

    /** The get-findings sample's only finding, edited. */
    static ObjectNode apiFinding(final Consumer<ObjectNode> edit) {
        final ObjectNode f =
                (ObjectNode) Fixtures.tree(GET_FINDINGS).get("Findings").get(0);
        edit.accept(f);
        return f;
    }

    /** The get-findings finding as an UnauthorizedAccess:IAMUser one. */
    static ObjectNode apiCredentialFinding() {
        return apiFinding(f -> f.put("Type", "UnauthorizedAccess:IAMUser/MaliciousIPCaller"));
    }

    /** The GuardDuty sample in ASFF with a credential type instead of its Recon one, edited further. */
    static ObjectNode asffCredentialFinding(final Consumer<ObjectNode> edit) {
        final ObjectNode f = Fixtures.tree(ASFF_GUARDDUTY_SAMPLE);
        f.putArray("Types").add(MALICIOUS_IP_CALLER);
        edit.accept(f);
        return f;
    }

    static byte[] findings(final JsonNode... findings) {
        final ObjectNode root = JsonNodeFactory.instance.objectNode();
        final ArrayNode list = root.putArray("Findings");
        for (final JsonNode f : findings) {
            list.add(f);
        }
        return json(root);
    }

    static byte[] securityHubEvent(final String detailType, final ObjectNode detail) {
        final ObjectNode envelope = JsonNodeFactory.instance
                .objectNode()
                .put("version", "0")
                .put("id", "7bf73129-1428-4cd3-a780-95db273d1602")
                .put("detail-type", detailType)
                .put("source", "aws.securityhub")
                .put("account", "081476508764")
                .put("time", "2022-01-28T21:15:00Z")
                .put("region", "us-east-1");
        envelope.putArray("resources");
        envelope.set("detail", detail);
        return json(envelope);
    }

    static byte[] json(final JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static SecurityEvent testuserEvent(final ThreatLevel level, final String score) {
        return event(
                GET_FINDINGS_ID,
                "unauthorized_access",
                level,
                "Unusual user permission reconnaissance activity by testuser.",
                List.of("secret/aws/111122223333/keys/testuser"),
                "52.94.36.7",
                "2020-05-26T22:55:21.703Z",
                meta(
                        "source",
                        "aws",
                        "principal",
                        TESTUSER,
                        "finding_type",
                        "UnauthorizedAccess:IAMUser/MaliciousIPCaller",
                        "aws_account",
                        "111122223333",
                        "aws_region",
                        "us-east-1",
                        "severity_score",
                        score));
    }

    private static SecurityEvent generatedEvent(
            final List<String> paths, final String principal, final ThreatLevel level, final String... extraMeta) {
        final var m = meta(
                "source",
                "aws",
                "principal",
                principal,
                "finding_type",
                MALICIOUS_IP_CALLER,
                "aws_account",
                "081476508764",
                "aws_region",
                "us-east-1",
                "product",
                "GuardDuty");
        m.putAll(meta(extraMeta));
        m.put("sample", "true");
        return event(
                SAMPLE_ID,
                "unauthorized_access",
                level,
                "Reconnaissance API GeneratedFindingAPIName was invoked from a known malicious IP address.",
                paths,
                "198.51.100.0",
                "2018-11-25T19:45:09.745Z",
                m);
    }

    static Stream<Arguments> samples() {
        final ObjectNode insight = JsonNodeFactory.instance
                .objectNode()
                .put("actionName", "SendToSlack")
                .put("insightName", "5. AWS users with the most suspicious activity")
                .put("resultType", "ResourceAwsIamAccessKeyUserName");
        insight.putArray("insightResults").addObject().put("GeneratedFindingUserName", 5);
        final ObjectNode imported = JsonNodeFactory.instance.objectNode();
        imported.putArray("findings").add(asffCredentialFinding(f -> {}));
        return Stream.of(
                // GuardDuty, as get-findings returns it
                arguments(
                        GET_FINDINGS,
                        bytes(GET_FINDINGS),
                        notRelevant(
                                GET_FINDINGS_ID,
                                "2020-05-26T22:55:21.703Z",
                                "GuardDuty Recon:IAMUser/UserPermissions is not about credentials")),
                arguments(
                        "its finding as UnauthorizedAccess:IAMUser/MaliciousIPCaller (severity 5: medium)",
                        findings(apiCredentialFinding()),
                        events(testuserEvent(ThreatLevel.medium, "5"))),
                arguments(
                        "that finding alone, not in a list",
                        json(apiCredentialFinding()),
                        events(testuserEvent(ThreatLevel.medium, "5"))),
                arguments(
                        "that finding at severity 8.5, a generated sample",
                        findings(apiFinding(f -> {
                            f.put("Type", "CredentialAccess:IAMUser/AnomalousBehavior")
                                    .put("Severity", 8.5);
                            object(f, "Service")
                                    .putObject("AdditionalInfo")
                                    .put("Value", "{\"sample\":true}")
                                    .put("Type", "default");
                        })),
                        events(event(
                                GET_FINDINGS_ID,
                                "unauthorized_access",
                                ThreatLevel.high,
                                "Unusual user permission reconnaissance activity by testuser.",
                                List.of("secret/aws/111122223333/keys/testuser"),
                                "52.94.36.7",
                                "2020-05-26T22:55:21.703Z",
                                meta(
                                        "source",
                                        "aws",
                                        "principal",
                                        TESTUSER,
                                        "finding_type",
                                        "CredentialAccess:IAMUser/AnomalousBehavior",
                                        "aws_account",
                                        "111122223333",
                                        "aws_region",
                                        "us-east-1",
                                        "severity_score",
                                        "8.5",
                                        "sample",
                                        "true")))),
                arguments(
                        "that finding archived",
                        findings(apiFinding(f -> {
                            f.put("Type", "UnauthorizedAccess:IAMUser/MaliciousIPCaller");
                            object(f, "Service").put("Archived", true);
                        })),
                        notRelevant(
                                GET_FINDINGS_ID,
                                "2020-05-26T22:55:21.703Z",
                                "GuardDuty finding UnauthorizedAccess:IAMUser/MaliciousIPCaller is archived")),
                arguments(
                        "an empty Findings list",
                        "{\"Findings\": []}".getBytes(StandardCharsets.UTF_8),
                        notRelevant(null, null, "Findings is empty")),
                // Security Hub, ASFF
                arguments(
                        ASFF_SSH_BRUTE_FORCE,
                        bytes(ASFF_SSH_BRUTE_FORCE),
                        notRelevant(
                                "arn:aws::guardduty:us-east-1:"
                                        + "193043430472:detector/d4b040365221be2b54a6264dc9a4bc64/finding/46ba0ac28"
                                        + "45071e23ccdeb2ae03bfdea",
                                "2020-09-30T12:14:00.206Z",
                                "Security Hub finding of type TTPs/Initial Access/"
                                        + "UnauthorizedAccess:EC2-SSHBruteForce is not about credentials")),
                arguments(
                        ASFF_GUARDDUTY_SAMPLE,
                        bytes(ASFF_GUARDDUTY_SAMPLE),
                        notRelevant(
                                SAMPLE_ID,
                                "2018-11-25T19:45:09.745Z",
                                "Security Hub finding of type TTPs/Discovery/"
                                        + "Recon:IAMUser-MaliciousIPCaller is not about credentials")),
                arguments(
                        ASFF_CONFIG,
                        bytes(ASFF_CONFIG),
                        notRelevant(
                                "arn:aws:config:eu-central-1:123456789012:"
                                        + "config-rule/config-rule-mburzq/finding/45g070df80cb50b68fa6a43594kc6fda1"
                                        + "e517932",
                                "2022-04-19T21:20:15.056Z",
                                "Security Hub finding of type Software and Configuration Checks is not about "
                                        + "credentials")),
                arguments(
                        ASFF_IAM3,
                        bytes(ASFF_IAM3),
                        notRelevant(
                                "arn:aws:securityhub:us-east-1:111111111111:"
                                        + "subscription/aws-foundational-security-best-practices/v/1.0.0/IAM.3/finding/"
                                        + "882c084c-8772-446e-9c3b-e926c4a1a8ef",
                                "2022-01-24T14:16:33.642Z",
                                "Security Hub finding of type Software and Configuration Checks/Industry and "
                                        + "Regulatory "
                                        + "Standards/AWS-Foundational-Security-Best-Practices is not about "
                                        + "credentials")),
                arguments(
                        "the GuardDuty sample as " + MALICIOUS_IP_CALLER + " (Normalized 50: medium; no mapping)",
                        json(asffCredentialFinding(f -> {})),
                        unmapped(generatedEvent(List.of(), GENERATED, ThreatLevel.medium), GENERATED)),
                arguments(
                        "the same in get-findings' list",
                        findings(asffCredentialFinding(f -> {})),
                        unmapped(generatedEvent(List.of(), GENERATED, ThreatLevel.medium), GENERATED)),
                arguments(
                        "the same in EventBridge's 'Security Hub Findings - Imported'",
                        securityHubEvent("Security Hub Findings - Imported", imported),
                        unmapped(generatedEvent(List.of(), GENERATED, ThreatLevel.medium), GENERATED)),
                arguments(
                        "the same on a mapped access key, labelled HIGH",
                        json(asffCredentialFinding(f -> {
                            ((ObjectNode) f.get("Resources").get(0))
                                    .put("Id", "AWS::IAM::AccessKey:ACCESS_KEY_ID_HERE");
                            object(f, "Severity").put("Label", "HIGH");
                        })),
                        events(generatedEvent(
                                List.of("secret/aws/keys/ACCESS_KEY_ID_HERE"),
                                "access_key_id=ACCESS_KEY_ID_HERE, user_name=GeneratedFindingUserName, "
                                        + "account_id=081476508764",
                                ThreatLevel.high,
                                "severity_label",
                                "HIGH"))),
                arguments(
                        "the same resolved",
                        json(asffCredentialFinding(f -> f.putObject("Workflow").put("Status", "RESOLVED"))),
                        notRelevant(
                                SAMPLE_ID,
                                "2018-11-25T19:45:09.745Z",
                                "Security Hub finding " + MALICIOUS_IP_CALLER + " is resolved")),
                arguments(
                        "the same archived",
                        json(asffCredentialFinding(f -> f.put("RecordState", "ARCHIVED"))),
                        notRelevant(
                                SAMPLE_ID,
                                "2018-11-25T19:45:09.745Z",
                                "Security Hub finding " + MALICIOUS_IP_CALLER + " is archived")),
                arguments(
                        "IAM.3 as a credential-access finding on its IAM user",
                        edited(
                                ASFF_IAM3,
                                f -> f.putArray("Types").add("TTPs/Credential Access/Unusual access key use")),
                        unmapped(
                                event(
                                        "arn:aws:securityhub:us-east-1:111111111111:subscription/"
                                                + "aws-foundational-security-best-practices/v/1.0.0/IAM.3/finding/"
                                                + "882c084c-8772-446e-9c3b-e926c4a1a8ef",
                                        "unauthorized_access",
                                        ThreatLevel.medium,
                                        "IAM.3 IAM users' access keys should be rotated every 90 days or less",
                                        List.of(),
                                        null,
                                        "2022-01-24T14:16:33.642Z",
                                        meta(
                                                "source",
                                                "aws",
                                                "principal",
                                                "user_name=test-admin2, "
                                                        + "user_arn=arn:aws:iam::111111111111:user/test-admin2, "
                                                        + "principal_id=AIDACKCEVSQ6C2EXAMPLE, account_id=111111111111",
                                                "finding_type",
                                                "TTPs/Credential Access/Unusual access key use",
                                                "aws_account",
                                                "111111111111",
                                                "aws_region",
                                                "us-east-1",
                                                "product",
                                                "Security Hub",
                                                "severity_label",
                                                "MEDIUM")),
                                "user_name=test-admin2, user_arn=arn:aws:iam::111111111111:user/test-admin2, "
                                        + "principal_id=AIDACKCEVSQ6C2EXAMPLE, account_id=111111111111")),
                arguments(
                        "EventBridge 'Security Hub Insight Results'",
                        securityHubEvent("Security Hub Insight Results", insight),
                        notRelevant(
                                "7bf73129-1428-4cd3-a780-95db273d1602",
                                "2022-01-28T21:15:00Z",
                                "EventBridge 'Security Hub Insight Results' events are not handled")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void eachSampleGivesExactlyThis(final String name, final byte[] input, final Adaptation expected) {
        assertThat(adapt(SourceFormat.AWS, input)).isEqualTo(expected);
    }

    @Test
    void aListOfFindingsGivesOneOutcomePerFindingInOrder() {
        final ObjectNode second = apiCredentialFinding().put("Id", "second-finding");
        final Adaptation a = adapt(
                SourceFormat.AWS,
                findings(apiCredentialFinding(), Fixtures.tree(ASFF_CONFIG), second, asffCredentialFinding(f -> {})));

        assertThat(a.events()).extracting(SecurityEvent::getEventId).containsExactly(GET_FINDINGS_ID, "second-finding");
        assertThat(a.notRelevant())
                .extracting(Adaptation.NotRelevant::eventId)
                .containsExactly("arn:aws:config:"
                        + "eu-central-1:123456789012:config-rule/config-rule-mburzq/finding/45g070df80cb50b"
                        + "68fa6a43594kc6fda1e517932");
        assertThat(a.unmapped()).extracting(u -> u.event().getEventId()).containsExactly(SAMPLE_ID);
    }

    @Test
    void guardDutyTypesAreRecognisedInTheirAsffSpelling() {
        // GuardDuty's own table of ASFF types (awsdocs/amazon-guardduty-user-guide, securityhub-integration.md)
        assertThat(List.of(
                        "TTPs/UnauthorizedAccess:IAMUser-ConsoleLoginSuccess.B",
                        "Unusual Behaviors/User/UnauthorizedAccess:IAMUser-ConsoleLogin",
                        "Effects/Data Exfiltration/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration",
                        "TTPs/Command and Control/UnauthorizedAccess:IAMUser-TorIPCaller",
                        "TTPs/Credential Access/IAMUser-AnomalousBehavior",
                        "TTPs/Credential Access/CredentialAccess:RDS-AnomalousBehavior.SuccessfulLogin",
                        "TTPs/CredentialAccess/CredentialAccess:Kubernetes-SecretsAccessed"))
                .allSatisfy(t ->
                        assertThat(SecurityHubFinding.isCredentialType(t)).as(t).isTrue());
        assertThat(List.of(
                        "TTPs/Initial Access/UnauthorizedAccess:EC2-SSHBruteForce",
                        "TTPs/Discovery/Recon:IAMUser-MaliciousIPCaller",
                        "TTPs/Policy:IAMUser-RootCredentialUsage",
                        "TTPs/PenTest:IAMUser/KaliLinux",
                        "Software and Configuration Checks/Vulnerabilities/CVE",
                        "Unusual Behaviors/User/ResourceConsumption:IAMUser-ComputeResources"))
                .allSatisfy(t ->
                        assertThat(SecurityHubFinding.isCredentialType(t)).as(t).isFalse());
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments(
                        "Findings that is not an array",
                        "{\"Findings\": {}}".getBytes(StandardCharsets.UTF_8),
                        Code.WRONG_TYPE,
                        "Findings must be an array of findings, found an object"),
                arguments(
                        "a list holding something else",
                        findings(
                                apiCredentialFinding(),
                                JsonNodeFactory.instance.objectNode().put("Name", "x")),
                        Code.UNKNOWN_PAYLOAD,
                        "Findings[1] is neither a GuardDuty finding (Type, Severity) nor a Security Hub finding"),
                arguments(
                        "an ASFF finding without Id",
                        findings(asffCredentialFinding(f -> f.remove("Id"))),
                        Code.MISSING_FIELD,
                        "Id is missing"),
                arguments(
                        "an ASFF finding labelled SEVERE",
                        json(asffCredentialFinding(f -> object(f, "Severity").put("Label", "SEVERE"))),
                        Code.INVALID_THREAT_LEVEL,
                        "Severity.Label must be INFORMATIONAL, LOW, MEDIUM, HIGH or CRITICAL, found SEVERE"),
                arguments(
                        "an ASFF credential finding without any severity",
                        json(asffCredentialFinding(f -> f.remove("Severity"))),
                        Code.MISSING_FIELD,
                        "Severity.Label is missing"),
                arguments(
                        "an ASFF finding whose Types is a string",
                        json(asffCredentialFinding(f -> f.put("Types", MALICIOUS_IP_CALLER))),
                        Code.WRONG_TYPE,
                        "Types must be an array of strings, found a string"),
                arguments(
                        "a get-findings finding whose Severity is text",
                        findings(apiFinding(f -> f.put("Severity", "HIGH"))),
                        Code.WRONG_TYPE,
                        "Severity must be a number, found a string"),
                arguments(
                        "a get-findings finding without UpdatedAt or CreatedAt",
                        findings(apiFinding(f -> {
                            f.remove("UpdatedAt");
                            f.remove("CreatedAt");
                        })),
                        Code.MISSING_FIELD,
                        "UpdatedAt is missing"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void malformedFindingsRefuseTheWholeRecordWithTheReason(
            final String name, final byte[] input, final Code code, final String reason) {
        assertThatThrownBy(() -> adapt(SourceFormat.AWS, input))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).startsWith(reason);
                });
    }
}
