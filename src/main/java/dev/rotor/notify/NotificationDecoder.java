package dev.rotor.notify;

import dev.rotor.avro.Notification;
import dev.rotor.serde.AvroJson;
import dev.rotor.serde.ConfluentAvroSerde;
import java.util.Map;

/**
 * Reads a notification whatever {@code rotor.output.format} the executor writes: Confluent-wire Avro (first byte 0,
 * through the configured schema registry) or JSON. A registry that cannot be used throws
 * {@link dev.rotor.serde.RegistryException} (read the record again later); anything else that fails is the record's
 * fault.
 */
final class NotificationDecoder implements AutoCloseable {
    private final Map<String, String> kafka;
    private ConfluentAvroSerde<Notification> avro;

    NotificationDecoder(final Map<String, String> kafka) {
        this.kafka = kafka;
    }

    Notification decode(final byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("empty");
        }
        if (value[0] == 0) {
            if (avro == null) {
                avro = new ConfluentAvroSerde<>(Notification.class);
                avro.configure(kafka, false);
            }
            return avro.deserializer().deserialize("notify", value);
        }
        return AvroJson.fromBytes(value, Notification.class);
    }

    @Override
    public void close() {
        if (avro != null) {
            avro.close();
        }
    }
}
