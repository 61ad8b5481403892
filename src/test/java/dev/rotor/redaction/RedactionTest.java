package dev.rotor.redaction;

import static dev.rotor.redaction.Redaction.REDACTED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.testing.FakeCredentials;
import dev.rotor.testing.FakeCredentials.Fake;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The redaction rules on their own: every kind of fake credential is hidden and the text around it kept, secret-named
 * keys hide their values, and harmless text is left alone. Fakes are never printed: test names carry their kind only,
 * and failures report where a fake was found, not its value.
 */
class RedactionTest {
    static Stream<Arguments> fakes() {
        return FakeCredentials.all().stream().map(f -> Arguments.of(f.name(), f));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fakes")
    void everyKindOfCredentialIsHiddenAndTheWordsAroundItKept(final String kind, final Fake fake) {
        final String out = Redaction.text(fake.text());

        assertThat(FakeCredentials.leaks(FakeCredentials.secretsOf(List.of(fake), Map.of()), Map.of("text", out)))
                .as(kind)
                .isEmpty();
        assertThat(out)
                .withFailMessage(kind + ": no " + REDACTED + " or the first word lost")
                .contains(REDACTED)
                .contains(fake.text().substring(0, fake.text().indexOf(' ')));
        assertThat(Redaction.holdsCredential(fake.text())).as(kind).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fakes")
    void redactingTwiceChangesNothing(final String kind, final Fake fake) {
        final String once = Redaction.text(fake.text());

        assertThat(Redaction.text(once))
                .withFailMessage(kind + ": changed again")
                .isEqualTo(once);
        assertThat(Redaction.holdsCredential(once)).as(kind).isFalse();
    }

    @Test
    void keysSchemesUrlUsersAndPemArmourStayReadable() {
        final Map<String, String> shown = new LinkedHashMap<>();
        for (final Fake f : FakeCredentials.all()) {
            shown.put(f.name(), Redaction.text(f.text()));
        }

        shows(shown, "password-pair", "login failed for admin password=[REDACTED] from the console");
        shows(shown, "token-pair", "request carried token: [REDACTED] twice");
        shows(shown, "secret-pair", "config dump secret=[REDACTED]; end");
        shows(shown, "json-api-key", "body {\"api_key\": \"[REDACTED]\", \"user\": \"svc\"}");
        shows(shown, "authorization-bearer", "header Authorization: Bearer [REDACTED] was replayed");
        shows(shown, "authorization-basic", "header Authorization: Basic [REDACTED]");
        shows(shown, "url-password", "clone https://deploy:[REDACTED]@git.example.com/acme/api.git failed");
        shows(shown, "cli-flag", "process list shows mysql --password [REDACTED] --host db");
        shows(shown, "slack-webhook", "webhook https://hooks.slack.com/services/[REDACTED] exposed");
        shows(
                shown,
                "pem-private-key",
                "key material: -----BEGIN RSA PRIVATE KEY-----[REDACTED]" + "-----END RSA PRIVATE KEY-----\n");
        shows(shown, "github-token-ghp", "token [REDACTED] found in a commit");
        shows(shown, "stripe-sk-live", "stripe [REDACTED] in logs");
    }

    /** Fails naming the kind only: the text may still hold the fake. */
    private static void shows(final Map<String, String> shown, final String kind, final String expected) {
        assertThat(shown.get(kind))
                .withFailMessage(kind + ": not shown as expected")
                .isEqualTo(expected);
    }

    @Test
    void theIssuesExampleIsRedactedInDescriptionAndMetadata() {
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("repository", "acme/payments");
        metadata.put("apikey", FakeCredentials.ISSUE_STRIPE_KEY);
        metadata.put("passwd", FakeCredentials.ISSUE_PASSWORD);

        final String description =
                Redaction.text("Credentials found in a paste: password=" + FakeCredentials.ISSUE_PASSWORD);
        final Map<String, String> shown = Redaction.metadata(metadata);

        assertThat(description)
                .withFailMessage("description not redacted")
                .isEqualTo("Credentials found in a paste: password=[REDACTED]");
        assertThat(shown)
                .withFailMessage("metadata not redacted")
                .containsExactly(
                        Map.entry("repository", "acme/payments"),
                        Map.entry("apikey", REDACTED),
                        Map.entry("passwd", REDACTED));
        // the Stripe key is hidden by its shape too, under a harmless key or in free text
        assertThat(Redaction.value("note", "key " + FakeCredentials.ISSUE_STRIPE_KEY))
                .withFailMessage("the Stripe key's shape not hidden")
                .isEqualTo("key " + REDACTED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "password",
                "PASSWORD",
                "db_password",
                "db-password",
                "db.password",
                "dbPassword",
                "DBPASSWORD",
                "passwd",
                "pwd",
                "pass",
                "passphrase",
                "secret",
                "client_secret",
                "clientSecret",
                "secret_id",
                "aws_secret_access_key",
                "token",
                "access_token",
                "x-auth-token",
                "refresh-token",
                "apikey",
                "api-key",
                "api_key",
                "api key",
                "X-Api-Key",
                "api_key_id",
                "auth",
                "http_auth",
                "authorization",
                "Authorization",
                "bearer",
                "cookie",
                "Set-Cookie",
                "credential",
                "credentials",
                "client_credential",
                "creds",
                "private key",
                "private_key",
                "privateKey",
                "session",
                "session_id",
                "sessionid",
                "jwt",
                "xsrftoken"
            })
    void aKeyThatNamesASecretHidesItsValueWhatever(final String key) {
        assertThat(SecretKeys.judge(key)).isEqualTo(SecretKeys.Verdict.ALWAYS);
        assertThat(Redaction.value(key, "plain")).isEqualTo(REDACTED);
        assertThat(Redaction.text(key + "=plain")).isEqualTo(key + "=" + REDACTED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "secret_path",
                "secret_paths",
                "secret_type",
                "token_type",
                "password_reset",
                "password_policy",
                "auth_method",
                "auth_failures",
                "session_duration",
                "author",
                "authority",
                "username",
                "user",
                "principal",
                "repository",
                "failed_count",
                "violation_count",
                "source",
                "event_name",
                "alert_type",
                "vault_path",
                "passenger",
                "keyboard",
                "description",
                "Trigger",
                "Secret Path"
            })
    void aKeyThatDescribesOrNamesNoSecretKeepsItsValue(final String key) {
        assertThat(SecretKeys.judge(key)).isEqualTo(SecretKeys.Verdict.NONE);
        assertThat(Redaction.value(key, "plain words")).isEqualTo("plain words");
    }

    @Test
    void aKeyOrAccessKeyHidesOnlyAMachineMadeValue() {
        final String hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

        assertThat(Redaction.value("encryption_key", hex)).isEqualTo(REDACTED);
        assertThat(Redaction.text("AccountKey=" + hex + ";EndpointSuffix=core.windows.net"))
                .isEqualTo("AccountKey=[REDACTED];EndpointSuffix=core.windows.net");
        assertThat(Redaction.value("partition_key", "orders")).isEqualTo("orders");
        assertThat(Redaction.value("key", "secret/prod/db")).isEqualTo("secret/prod/db");
        assertThat(Redaction.value("idempotency_key", "evt-2026-11-25-0001")).isEqualTo("evt-2026-11-25-0001");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "password reset requested",
                "Multiple failed login attempts detected",
                "API key found in public GitHub repository",
                "token expired at 2026-11-25T10:30:00Z",
                "Bearer authentication failed for svc-payments",
                "basic authentication is disabled",
                "12 failed logins for svc-payments from 203.0.113.7",
                "source 2001:db8::1 at 10:30:00, then 10:31:15",
                "secret/prod/payments/db",
                "secret_path=secret/prod/db, secret_paths: secret/a,secret/b",
                "event siem-7f3a1c, command cmd-5146c609360f2eb83adb110c2f78b8db",
                "see https://github.com/acme/api/security/secret-scanning/42",
                "https://vault.example.com:8200/v1/secret/data/app",
                "Vault denied read on secret/data/app/db: permission denied",
                "principal user_name=anaya, principal_id=AIDACKCEVSQ6C2EXAMPLE, account_id=111122223333",
                "repository=acme/api, owner=acme, secret_type=github_personal_access_token",
                "refused 1 of 2 secret paths: 'sys/seal' is under sys/",
                "GuardDuty UnauthorizedAccess:IAMUser/TorIPCaller from 198.51.100.4",
                "finding CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin",
                "AWS Health AWS_RISK_CREDENTIALS_EXPOSED: an access key of account 123456789012 is exposed publicly",
                "risk-based sk-assessment of the task-list",
                "2026-11-25T10:30:00.412Z 7 of 10 within 15m",
                "uuid 123e4567-e89b-12d3-a456-426614174000",
                "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
            })
    void harmlessTextIsLeftAlone(final String text) {
        assertThat(Redaction.text(text)).isSameAs(text);
    }

    @Test
    void aPrivateKeyCutBeforeItsEndIsHiddenToTheEnd() {
        final Fake pem = FakeCredentials.all().stream()
                .filter(f -> f.name().equals("pem-private-key"))
                .findFirst()
                .orElseThrow();
        final String cut =
                pem.text().substring(0, pem.text().indexOf(pem.secrets().get(2)) + 10);

        assertThat(Redaction.text(cut))
                .withFailMessage("cut key not hidden to its end")
                .isEqualTo("key material: -----BEGIN RSA PRIVATE KEY-----" + REDACTED);
    }

    @Test
    void aJwtCutAfterItsPayloadIsStillHidden() {
        final Fake jwt = FakeCredentials.all().stream()
                .filter(f -> f.name().equals("jwt"))
                .findFirst()
                .orElseThrow();
        final String token = jwt.secrets().get(0);
        final String headerAndPayload = token.substring(0, token.lastIndexOf('.'));

        assertThat(Redaction.text("cut " + headerAndPayload))
                .withFailMessage("cut JWT not hidden")
                .isEqualTo("cut " + REDACTED);
    }

    @Test
    void metadataKeepsItsOrderAndHidesCredentialShapedKeysToo() {
        final Fake github = FakeCredentials.all().stream()
                .filter(f -> f.name().equals("github-token-ghp"))
                .findFirst()
                .orElseThrow();
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("repository", "acme/website");
        metadata.put("commit_sha", "a1b2c3");
        metadata.put(github.secrets().get(0), "found");
        metadata.put("file_path", "config/prod.env");
        metadata.put("note", "DB_PASSWORD=x7 in config/prod.env");

        final Map<String, String> shown = Redaction.metadata(metadata);

        assertThat(shown)
                .withFailMessage("metadata not redacted as expected")
                .containsExactly(
                        Map.entry("repository", "acme/website"),
                        Map.entry("commit_sha", "a1b2c3"),
                        Map.entry(REDACTED, "found"),
                        Map.entry("file_path", "config/prod.env"),
                        Map.entry("note", "DB_PASSWORD=[REDACTED] in config/prod.env"));
    }

    @Test
    void pathListsCanBeKeptAsIdentifiers() {
        final Fake aws = FakeCredentials.all().get(0);
        final String path = "secret/aws/keys/" + aws.secrets().get(0);

        assertThat(Redaction.metadata(Map.of("secret_path", path), Set.of("secret_path")))
                .withFailMessage("path list not kept")
                .containsEntry("secret_path", path);
        assertThat(Redaction.metadata(Map.of("secret_path", path)))
                .withFailMessage("path not redacted")
                .containsEntry("secret_path", "secret/aws/keys/" + REDACTED);
    }

    @Test
    void onePassFindsExactlyTheShapesWhoseNeedlesATextHolds() {
        final List<CredentialShapes.Shape> shapes = CredentialShapes.SHAPES;
        final CredentialShapes.NeedleIndex index = new CredentialShapes.NeedleIndex(shapes);
        final List<String> texts = new ArrayList<>(List.of(
                "",
                "plain words only",
                "Ünïcödé ☃ text",
                "bearer",
                "BEARER token",
                "a BaSiC one",
                "xox",
                "xo",
                "hooks.slack.co",
                "PRIVATE KE",
                "[REDACTED]"));
        for (final CredentialShapes.Shape shape : shapes) {
            for (final String n : shape.needles()) {
                texts.add(n);
                texts.add("at the end " + n);
                texts.add(n + " at the start");
                texts.add("in " + n.toUpperCase(Locale.ROOT) + " the middle");
                texts.add("cut " + n.substring(0, n.length() - 1));
            }
        }
        final Random random = new Random(7);
        final String alphabet = "aAbBeErRsSkK-_.:/ghpxoIzJyYSG9 ";
        for (int i = 0; i < 20_000; i++) {
            final StringBuilder b = new StringBuilder();
            for (int j = random.nextInt(40); j > 0; j--) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            texts.add(b.toString());
        }
        for (final String text : texts) {
            long expected = 0;
            for (int k = 0; k < shapes.size(); k++) {
                final CredentialShapes.Shape shape = shapes.get(k);
                for (final String n : shape.needles()) {
                    final boolean holds =
                            shape.ignoreCase() ? text.toLowerCase(Locale.ROOT).contains(n) : text.contains(n);
                    if (holds) {
                        expected |= 1L << k;
                    }
                }
            }
            assertThat(index.candidates(text)).as(text).isEqualTo(expected);
        }
    }
}
