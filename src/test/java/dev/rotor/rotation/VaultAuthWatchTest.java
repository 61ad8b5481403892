package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.Notification;
import dev.rotor.config.SecretValue;
import dev.rotor.devvault.DevVault;
import dev.rotor.ops.RotorMetrics;
import dev.rotor.serde.AvroJson;
import dev.rotor.streams.Alarm;
import dev.rotor.topics.Topic;
import dev.rotor.vault.VaultClient;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/** Vault refusing rotor is a readiness alarm and one critical notification, cleared when it works again. */
class VaultAuthWatchTest {
    private static final Topic<String, Notification> CRITICAL =
            new Topic<>("security-critical", Serdes.String(), AvroJson.serde(Notification.class));

    private static VaultClient client(final DevVault vault, final String token) {
        return new VaultClient(new VaultClient.Settings(
                vault.address(),
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(2),
                Duration.ofSeconds(2),
                new VaultClient.TokenCredentials(SecretValue.of(token))));
    }

    @Test
    void aRefusedTokenRaisesTheAlarmAndAlertsOnceWithoutTheToken() {
        try (DevVault vault = DevVault.start()) {
            final VaultClient client = client(vault, "hvs.not-a-token-4711");
            final RotorMetrics metrics = RotorMetrics.forTests();
            final MockProducer<byte[], byte[]> producer =
                    new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            final VaultAuthWatch watch = new VaultAuthWatch(client, metrics, CRITICAL, producer);
            client.checkToken();

            watch.poll();
            watch.poll();

            assertThat(metrics.activeAlarms()).containsKey(Alarm.VAULT_AUTH);
            assertThat(metrics.activeAlarms().get(Alarm.VAULT_AUTH)).contains("Vault token invalid");
            assertThat(producer.history()).singleElement().satisfies(r -> {
                final Notification n =
                        AvroJson.serde(Notification.class).deserializer().deserialize(r.topic(), r.value());
                assertThat(n.getPriority()).isEqualTo("critical");
                assertThat(n.getMessage())
                        .startsWith("🚨 VAULT AUTHENTICATION FAILING 🚨")
                        .doesNotContain("hvs.not-a-token-4711");
            });
        }
    }

    @Test
    void theAlarmClearsWhenVaultAcceptsRotorAgain() {
        try (DevVault vault = DevVault.start()) {
            final VaultClient client = client(vault, vault.rootToken());
            final RotorMetrics metrics = RotorMetrics.forTests();
            final MockProducer<byte[], byte[]> producer =
                    new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            final VaultAuthWatch watch = new VaultAuthWatch(client, metrics, CRITICAL, producer);
            vault.seal();
            client.checkToken();
            watch.poll();
            assertThat(metrics.activeAlarms()).containsKey(Alarm.VAULT_AUTH);

            vault.unseal();
            client.checkToken();
            watch.poll();

            assertThat(metrics.activeAlarms()).doesNotContainKey(Alarm.VAULT_AUTH);
            assertThat(producer.history()).hasSize(1);
        }
    }
}
