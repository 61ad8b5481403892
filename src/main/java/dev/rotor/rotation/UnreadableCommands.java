package dev.rotor.rotation;

import dev.rotor.avro.Notification;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.streams.UnreadableRecordHandler;
import dev.rotor.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the executor says about a rotation command it cannot read (corrupt bytes, an unknown schema): besides the dead
 * letter on {@code rotation-commands-dlq}, a critical notification in the failure alert's words, keyed like the
 * command. A command that cannot be read is a rotation that will not happen; a person must hear of it.
 */
final class UnreadableCommands {
    private UnreadableCommands() {}

    static UnreadableRecordHandler.Notifier notifier(final Topic<String, Notification> critical) {
        return (record, code, reason) -> {
            final String key = record.key() == null
                    ? "(no key)"
                    : SecretPathPolicy.printable(new String(record.key(), StandardCharsets.UTF_8));
            final String where = record.topic() + "-" + record.partition() + "@" + record.offset();
            final Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("secret_path", key);
            metadata.put("source", where);
            metadata.put("error_code", code);
            final Notification n = Notification.newBuilder()
                    .setChannel(Notifications.CRITICAL_CHANNEL)
                    .setPriority("critical")
                    .setMessage(text(key, code, reason, where))
                    .setMetadata(metadata)
                    .setCreatedAt(Instant.now())
                    .build();
            return List.of(new ProducerRecord<>(
                    critical.name(),
                    null,
                    record.key(),
                    critical.valueSerde().serializer().serialize(critical.name(), n)));
        };
    }

    static String text(final String key, final String code, final String reason, final String where) {
        return "🚨 EMERGENCY ROTATION FAILED 🚨\n\n"
                + "Secret: " + key + "\n"
                + "Trigger: unreadable rotation command (" + where + ")\n"
                + "Threat Level: unknown\n"
                + "Error: the command could not be read (" + code + "): " + reason
                + "; it was not executed and is kept in the commands DLQ\n\n"
                + "IMMEDIATE ACTION REQUIRED!";
    }
}
