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

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.SecurityEvent;
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

/** CloudTrail, GuardDuty and AWS Health: the published samples, and rows derived from them. */
class AwsAdapterTest {
    private static final String IAM_FAILURE = "aws--cloudtrail-consolelogin-failure-iam-user.json";
    private static final String ROOT_FAILURE = "aws--cloudtrail-consolelogin-failure-root.json";
    private static final String HEALTH = "aws--health-risk-credentials-exposed.json";
    private static final String TOR = "aws--guardduty-finding-unauthorizedaccess-iamuser-toripcaller.json";
    private static final String RDS = "aws--guardduty-finding-credentialaccess-rds-successfullogin.json";
    private static final String ANAYA =
            "user_name=anaya, principal_id=AIDACKCEVSQ6C2EXAMPLE, account_id=111122223333, " + "user_type=IAMUser";
    private static final String TOR_PRINCIPAL = "access_key_id=GeneratedFindingAccessKeyId, "
            + "user_name=GeneratedFindingUserName, principal_id=GeneratedFindingPrincipalId, account_id=973743533182, "
            + "user_type=IAMUser";

    private static SecurityEvent anayaFailure() {
        return event(
                "d38ce1b3-4575-4cb8-a632-611b8243bfc3",
                "failed_auth_spike",
                ThreatLevel.medium,
                "AWS console sign-in failed for IAMUser anaya (Failed authentication)",
                List.of("secret/aws/111122223333/console/anaya"),
                "192.0.2.0",
                "2022-11-10T16:24:34Z",
                meta(
                        "source",
                        "aws",
                        "principal",
                        ANAYA,
                        "aws_account",
                        "111122223333",
                        "aws_region",
                        "us-east-1",
                        "event_name",
                        "ConsoleLogin"));
    }

    private static SecurityEvent torFinding(final List<String> paths) {
        return event(
                "02bf27df0ab845eb066903f3edef806e",
                "unauthorized_access",
                ThreatLevel.medium,
                "API GeneratedFindingAPIName was invoked from a Tor exit node.",
                paths,
                "81.2.69.144",
                "2022-01-28T21:12:25.490Z",
                meta(
                        "source",
                        "aws",
                        "principal",
                        TOR_PRINCIPAL,
                        "finding_type",
                        "UnauthorizedAccess:IAMUser/TorIPCaller",
                        "aws_account",
                        "973743533182",
                        "aws_region",
                        "us-east-2",
                        "severity_score",
                        "5",
                        "sample",
                        "true"));
    }

    private static byte[] eventBridge(final String detailType, final String source, final String fixture) {
        return eventBridge(detailType, source, Fixtures.tree(fixture));
    }

    private static byte[] eventBridge(final String detailType, final String source, final ObjectNode detail) {
        final ObjectNode envelope = JsonNodeFactory.instance
                .objectNode()
                .put("version", "0")
                .put("id", "7bf73129-1428-4cd3-a780-95db273d1602")
                .put("detail-type", detailType)
                .put("source", source)
                .put("account", "973743533182")
                .put("time", "2022-01-28T21:15:00Z")
                .put("region", "us-east-2");
        envelope.putArray("resources");
        envelope.set("detail", detail);
        return envelope.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Stream<Arguments> samples() {
        return Stream.of(
                arguments(IAM_FAILURE, bytes(IAM_FAILURE), events(anayaFailure())),
                arguments(
                        ROOT_FAILURE,
                        bytes(ROOT_FAILURE),
                        events(event(
                                "a4fbbe77-91a0-4238-804a-64314184edb6",
                                "failed_auth_spike",
                                ThreatLevel.medium,
                                "AWS console sign-in failed for Root arn:aws:iam::111122223333:root (Failed "
                                        + "authentication)",
                                List.of("secret/aws/111122223333/root"),
                                "192.0.2.0",
                                "2018-08-25T18:10:29Z",
                                meta(
                                        "source",
                                        "aws",
                                        "principal",
                                        "user_arn=arn:aws:iam::111122223333:root, "
                                                + "principal_id=AIDACKCEVSQ6C2EXAMPLE, account_id=111122223333, "
                                                + "user_type=Root",
                                        "aws_account",
                                        "111122223333",
                                        "aws_region",
                                        "us-east-1",
                                        "event_name",
                                        "ConsoleLogin")))),
                arguments(
                        "aws--cloudtrail-consolelogin-success-root.json",
                        bytes("aws--cloudtrail-consolelogin-success-root.json"),
                        notRelevant(
                                "deb1e1f9-c99b-4612-8e9f-21f93b5d79c0",
                                "2018-08-29T16:24:34Z",
                                "CloudTrail ConsoleLogin succeeded")),
                arguments(
                        "aws--cloudtrail-log-file-records-consolelogin-success-iam-user.json",
                        bytes("aws--cloudtrail-log-file-records-consolelogin-success-iam-user.json"),
                        notRelevant(
                                "3fcfb182-98f8-4744-bd45-10a395ab61cb",
                                "2018-08-29T16:24:34Z",
                                "CloudTrail ConsoleLogin succeeded")),
                arguments(
                        "aws--cloudtrail-checkmfa-iam-user.json",
                        bytes("aws--cloudtrail-checkmfa-iam-user.json"),
                        notRelevant(
                                "f8ef8fc5-e3e8-4ee1-9d52-2f412ddf17e3",
                                "2018-07-24T18:33:45Z",
                                "CloudTrail CheckMfa is not a console sign-in")),
                arguments(
                        HEALTH + " (EventBridge)",
                        bytes(HEALTH),
                        events(event(
                                "arn:aws:health:us-east-1::event/AWS_RISK_CREDENTIALS_EXPOSED_XXXXXXXXXXXXXXXXX",
                                "api_key_exposed",
                                ThreatLevel.critical,
                                "AWS Health AWS_RISK_CREDENTIALS_EXPOSED: an access key of account 123456789012 is "
                                        + "exposed publicly",
                                List.of("secret/aws/keys/ACCESS_KEY_ID_HERE"),
                                null,
                                "2016-06-05T06:27:57Z",
                                meta(
                                        "source",
                                        "aws",
                                        "principal",
                                        "access_key_id=ACCESS_KEY_ID_HERE, account_id=123456789012",
                                        "event_type_code",
                                        "AWS_RISK_CREDENTIALS_EXPOSED",
                                        "aws_account",
                                        "123456789012",
                                        "aws_region",
                                        "us-east-1")))),
                arguments(
                        TOR + " (severity 5: medium; no mapping)",
                        bytes(TOR),
                        unmapped(torFinding(List.of()), TOR_PRINCIPAL)),
                arguments(
                        RDS + " (severity 8: high)",
                        bytes(RDS),
                        events(event(
                                "5abcdefabcdefabcdef2a123456789f6",
                                "unauthorized_access",
                                ThreatLevel.high,
                                "Unusual successful login by GeneratedFindingUserName observed on RDS instance "
                                        + "GeneratedFindingDBInstanceId.",
                                List.of("secret/rds/GeneratedFindingDBInstanceId/GeneratedFindingUserName"),
                                "175.16.199.1",
                                "2022-12-07T10:28:35.948Z",
                                meta(
                                        "source",
                                        "aws",
                                        "principal",
                                        "account_id=123412341234, "
                                                + "db_instance=GeneratedFindingDBInstanceId, "
                                                + "db_user=GeneratedFindingUserName",
                                        "finding_type",
                                        "CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin",
                                        "aws_account",
                                        "123412341234",
                                        "aws_region",
                                        "us-east-1",
                                        "severity_score",
                                        "8",
                                        "sample",
                                        "true")))),
                arguments(
                        "aws--guardduty-finding-trojan-blackholetraffic-dns.json",
                        bytes("aws--guardduty-finding-trojan-blackholetraffic-dns.json"),
                        notRelevant(
                                "d6012345678912345678912349f831b8f",
                                "2022-11-22T12:22:20.934Z",
                                "GuardDuty Trojan:EC2/BlackholeTraffic!DNS is not about credentials")),
                // Rows derived from the real samples:
                arguments(
                        "the GuardDuty finding in its EventBridge envelope",
                        eventBridge("GuardDuty Finding", "aws.guardduty", TOR),
                        unmapped(torFinding(List.of()), TOR_PRINCIPAL)),
                arguments(
                        "the CloudTrail failure in an EventBridge envelope",
                        eventBridge("AWS Console Sign In via CloudTrail", "aws.signin", IAM_FAILURE),
                        events(anayaFailure())),
                arguments(
                        "another EventBridge detail-type",
                        eventBridge(
                                "EC2 Instance State-change Notification",
                                "aws.ec2",
                                JsonNodeFactory.instance
                                        .objectNode()
                                        .put("instance-id", "i-0123456789abcdef0")
                                        .put("state", "running")),
                        notRelevant(
                                "7bf73129-1428-4cd3-a780-95db273d1602",
                                "2022-01-28T21:15:00Z",
                                "EventBridge 'EC2 Instance State-change Notification' events are not handled")),
                arguments(
                        "the Tor finding at severity 8.5 with a mapped access key",
                        edited(TOR, n -> {
                            n.put("severity", 8.5);
                            object(object(n, "resource"), "accessKeyDetails").put("accessKeyId", "ACCESS_KEY_ID_HERE");
                        }),
                        events(event(
                                "02bf27df0ab845eb066903f3edef806e",
                                "unauthorized_access",
                                ThreatLevel.high,
                                "API GeneratedFindingAPIName was invoked from a Tor exit node.",
                                List.of("secret/aws/keys/ACCESS_KEY_ID_HERE"),
                                "81.2.69.144",
                                "2022-01-28T21:12:25.490Z",
                                meta(
                                        "source",
                                        "aws",
                                        "principal",
                                        "access_key_id=ACCESS_KEY_ID_HERE, "
                                                + "user_name=GeneratedFindingUserName, "
                                                + "principal_id=GeneratedFindingPrincipalId, "
                                                + "account_id=973743533182, user_type=IAMUser",
                                        "finding_type",
                                        "UnauthorizedAccess:IAMUser/TorIPCaller",
                                        "aws_account",
                                        "973743533182",
                                        "aws_region",
                                        "us-east-2",
                                        "severity_score",
                                        "8.5",
                                        "sample",
                                        "true")))),
                arguments(
                        "an archived finding",
                        edited(TOR, n -> object(n, "service").put("archived", true)),
                        notRelevant(
                                "02bf27df0ab845eb066903f3edef806e",
                                "2022-01-28T21:12:25.490Z",
                                "GuardDuty finding UnauthorizedAccess:IAMUser/TorIPCaller is archived")),
                arguments(
                        "another Health event",
                        edited(
                                HEALTH,
                                n -> object(n, "detail").put("eventTypeCode", "AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED")),
                        notRelevant(
                                "arn:aws:health:us-east-1::event/AWS_RISK_CREDENTIALS_EXPOSED_XXXXXXXXXXXXXXXXX",
                                "2016-06-05T06:27:57Z",
                                "AWS Health AWS_EC2_INSTANCE_RETIREMENT_SCHEDULED is not "
                                        + "AWS_RISK_CREDENTIALS_EXPOSED")),
                arguments(
                        "Health without the envelope's time: RFC 1123 startTime",
                        edited(HEALTH, n -> n.remove("time")),
                        events(event(
                                "arn:aws:health:us-east-1::event/AWS_RISK_CREDENTIALS_EXPOSED_XXXXXXXXXXXXXXXXX",
                                "api_key_exposed",
                                ThreatLevel.critical,
                                "AWS Health AWS_RISK_CREDENTIALS_EXPOSED: an "
                                        + "access key of account 123456789012 is exposed publicly",
                                List.of("secret/aws/keys/ACCESS_KEY_ID_HERE"),
                                null,
                                "2016-06-05T15:10:09Z",
                                meta(
                                        "source",
                                        "aws",
                                        "principal",
                                        "access_key_id=ACCESS_KEY_ID_HERE, " + "account_id=123456789012",
                                        "event_type_code",
                                        "AWS_RISK_CREDENTIALS_EXPOSED",
                                        "aws_account",
                                        "123456789012",
                                        "aws_region",
                                        "us-east-1")))),
                arguments(
                        "a failure for a user name AWS hid",
                        edited(
                                IAM_FAILURE,
                                n -> object(n, "userIdentity").put("userName", "HIDDEN_DUE_TO_SECURITY_REASONS")),
                        unmapped(
                                event(
                                        "d38ce1b3-4575-4cb8-a632-611b8243bfc3",
                                        "failed_auth_spike",
                                        ThreatLevel.medium,
                                        "AWS console sign-in failed for IAMUser AIDACKCEVSQ6C2EXAMPLE (Failed "
                                                + "authentication)",
                                        List.of(),
                                        "192.0.2.0",
                                        "2022-11-10T16:24:34Z",
                                        meta(
                                                "source",
                                                "aws",
                                                "principal",
                                                "principal_id=AIDACKCEVSQ6C2EXAMPLE, account_id=111122223333, "
                                                        + "user_type=IAMUser",
                                                "aws_account",
                                                "111122223333",
                                                "aws_region",
                                                "us-east-1",
                                                "event_name",
                                                "ConsoleLogin")),
                                "principal_id=AIDACKCEVSQ6C2EXAMPLE, account_id=111122223333, user_type=IAMUser")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void eachSampleGivesExactlyThis(final String name, final byte[] input, final Adaptation expected) {
        assertThat(adapt(SourceFormat.AWS, input)).isEqualTo(expected);
    }

    @Test
    void aCloudTrailLogFileIsReadRecordByRecord() {
        final ObjectNode file = JsonNodeFactory.instance.objectNode();
        file.putArray("Records")
                .add(Fixtures.tree(IAM_FAILURE))
                .add(Fixtures.tree("aws--cloudtrail-checkmfa-iam-user.json"))
                .add(Fixtures.tree(ROOT_FAILURE));
        final Adaptation a = adapt(SourceFormat.AWS, file.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(a.events())
                .extracting(SecurityEvent::getEventId)
                .containsExactly("d38ce1b3-4575-4cb8-a632-611b8243bfc3", "a4fbbe77-91a0-4238-804a-64314184edb6");
        assertThat(a.notRelevant())
                .extracting(Adaptation.NotRelevant::eventId)
                .containsExactly("f8ef8fc5-e3e8-4ee1-9d52-2f412ddf17e3");
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments(
                        "an ECS document (Elastic)",
                        bytes("ecs--system-auth-ssh-failed-password-root.json"),
                        Code.UNKNOWN_PAYLOAD,
                        "neither a CloudTrail event or log file, a GuardDuty or Security Hub "
                                + "finding (or a list of them) nor an EventBridge event"),
                arguments(
                        "an OCSF event",
                        bytes("ocsf--authentication-3002-failure-windows-4625.json"),
                        Code.UNKNOWN_PAYLOAD,
                        "neither a CloudTrail event"),
                arguments(
                        "Records that is not an array",
                        "{\"Records\": {}}".getBytes(UTF_8),
                        Code.WRONG_TYPE,
                        "Records must be an array of CloudTrail events, found an object"),
                arguments(
                        "a CloudTrail event without eventTime",
                        edited(IAM_FAILURE, n -> n.remove("eventTime")),
                        Code.INVALID_TIMESTAMP,
                        "eventTime must be an ISO-8601 string, found null"),
                arguments(
                        "a finding whose severity is text",
                        edited(TOR, n -> n.put("severity", "HIGH")),
                        Code.WRONG_TYPE,
                        "severity must be a number, found a string"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void malformedOrForeignRecordsAreRefusedWithTheReason(
            final String name, final byte[] input, final Code code, final String reason) {
        assertThatThrownBy(() -> adapt(SourceFormat.AWS, input))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).startsWith(reason);
                });
    }
}
