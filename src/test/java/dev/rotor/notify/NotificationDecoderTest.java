package dev.rotor.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.avro.Notification;
import dev.rotor.serde.AvroJson;
import dev.rotor.serde.ConfluentAvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Notifications are read whatever output format the executor uses: Avro (the default) or JSON. */
class NotificationDecoderTest {
    private static final Map<String, String> REGISTRY = Map.of("schema.registry.url", "mock://notify-decoder");
    private final Notification n = Alerts.failure("cmd-1", "secret/prod/db", Instant.parse("2026-12-06T10:00:00Z"));

    @Test
    void readsConfluentWireAvroThroughTheRegistry() {
        final byte[] bytes;
        try (ConfluentAvroSerde<Notification> serde = new ConfluentAvroSerde<>(Notification.class)) {
            serde.configure(REGISTRY, false);
            bytes = serde.serializer().serialize("security-critical", n);
        }
        try (NotificationDecoder decoder = new NotificationDecoder(REGISTRY)) {
            assertThat(bytes[0]).isZero();
            assertThat(decoder.decode(bytes)).isEqualTo(n);
        }
    }

    @Test
    void readsJsonAndRefusesWhatIsNeither() {
        try (NotificationDecoder decoder = new NotificationDecoder(Map.of())) {
            assertThat(decoder.decode(AvroJson.toBytes(n))).isEqualTo(n);
            assertThatThrownBy(() -> decoder.decode("{not json".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(RuntimeException.class);
            assertThatThrownBy(() -> decoder.decode(new byte[0])).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
