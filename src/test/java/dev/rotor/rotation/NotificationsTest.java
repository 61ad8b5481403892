package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.Indicator;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.avro.Trigger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The notification texts, byte for byte against DESIGN.md §5's templates. */
class NotificationsTest {
    static RotationCommand command(final String sourceIp, final Map<String, String> metadata) {
        return RotationCommand.newBuilder()
                .setCommandId("cmd-1")
                .setEventId("evt-1")
                .setSecretPath("secret/prod/api-key")
                .setRule("critical-threat")
                .setThreatLevel(ThreatLevel.critical)
                .setEventType("leaked_credential")
                .setIndicator(Indicator.leaked_credential)
                .setTrigger(Trigger.newBuilder()
                        .setDescription("API key found in public GitHub repository")
                        .setSourceIp(sourceIp)
                        .setTimestamp(Instant.parse("2026-11-25T10:30:00Z"))
                        .setMetadata(metadata)
                        .build())
                .setRequestedAt(Instant.parse("2026-11-25T10:30:01Z"))
                .build();
    }

    @Test
    void successWithSourceIpAndMetadata() {
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("repository", "acme/website");
        metadata.put("commit", "a1b2c3");
        assertThat(Notifications.successText(command("203.0.113.7", metadata))).isEqualTo("""
                🔐 Emergency Credential Rotation Triggered

                Secret: secret/prod/api-key
                Trigger: leaked_credential
                Threat Level: critical
                Description: API key found in public GitHub repository
                Timestamp: 2026-11-25T10:30:00Z
                Source IP: 203.0.113.7

                Additional Details:
                  repository: acme/website
                  commit: a1b2c3
                """);
    }

    @Test
    void successWithoutSourceIpOrMetadata() {
        assertThat(Notifications.successText(command(null, Map.of()))).isEqualTo("""
                🔐 Emergency Credential Rotation Triggered

                Secret: secret/prod/api-key
                Trigger: leaked_credential
                Threat Level: critical
                Description: API key found in public GitHub repository
                Timestamp: 2026-11-25T10:30:00Z
                """);
    }

    @Test
    void failure() {
        assertThat(Notifications.failureText(
                        command("203.0.113.7", Map.of("a", "b")), "permission denied on secret/data/prod/api-key"))
                .isEqualTo("""
                🚨 EMERGENCY ROTATION FAILED 🚨

                Secret: secret/prod/api-key
                Trigger: leaked_credential
                Threat Level: critical
                Error: permission denied on secret/data/prod/api-key

                IMMEDIATE ACTION REQUIRED!""");
    }

    @Test
    void metadataNamingASecretIsRedacted() {
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("DB_Password", "hunter2");
        metadata.put("github_token", "ghp_x");
        metadata.put("aws_secret_access_key", "abc");
        metadata.put("client_credential", "c");
        metadata.put("private_key", "k");
        metadata.put("api_key_id", "id");
        metadata.put("user", "alice");
        final String text = Notifications.successText(command(null, metadata));
        assertThat(text)
                .contains(
                        "  DB_Password: [REDACTED]\n",
                        "  github_token: [REDACTED]\n",
                        "  aws_secret_access_key: [REDACTED]\n",
                        "  client_credential: [REDACTED]\n",
                        "  private_key: [REDACTED]\n",
                        "  api_key_id: [REDACTED]\n",
                        "  user: alice\n");
        assertThat(text).doesNotContain("hunter2", "ghp_x", "abc\n");
    }

    @Test
    void notificationsCarryChannelAndPriority() {
        final Instant now = Instant.parse("2026-11-25T10:30:02Z");
        assertThat(Notifications.success(command(null, Map.of()), Map.of("k", "v"), now))
                .satisfies(n -> {
                    assertThat(n.getChannel()).isEqualTo("security-alerts");
                    assertThat(n.getPriority()).isEqualTo("high");
                    assertThat(n.getCreatedAt()).isEqualTo(now);
                });
        assertThat(Notifications.failure(command(null, Map.of()), "boom", Map.of(), now))
                .satisfies(n -> {
                    assertThat(n.getChannel()).isEqualTo("security-critical");
                    assertThat(n.getPriority()).isEqualTo("critical");
                });
    }
}
