package dev.rotor.notify;

import dev.rotor.avro.Notification;
import dev.rotor.events.Hashing;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One notification read from a channel, with what the sinks need to deliver it once.
 *
 * @param dedupKey the command id ({@code metadata.command_id}) when the notification is about a command, else a hash of
 *     its channel and message (a Vault authentication alert, an unreadable command): the same notification published
 *     twice has the same key, so it is delivered once
 * @param secretPath {@code metadata.secret_path}, else the record key; empty when neither is present. It is what
 *     matches a success to the failures it resolves
 */
public record Alert(
        Channel channel,
        String dedupKey,
        Optional<String> secretPath,
        String priority,
        String message,
        Map<String, String> metadata,
        Instant createdAt) {
    /** PagerDuty's limit on dedup_key, which rotor's command ids are far below. */
    static final int MAX_DEDUP_KEY = 255;

    public Alert {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** The alert for notification {@code n} read from {@code channel} with record key {@code key} (may be null). */
    public static Alert of(final Channel channel, final byte[] key, final Notification n) {
        final Map<String, String> metadata = new LinkedHashMap<>();
        if (n.getMetadata() != null) {
            n.getMetadata().forEach((k, v) -> metadata.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        final String message = n.getMessage() == null ? "" : n.getMessage();
        final String commandId = metadata.get("command_id");
        final String dedupKey = commandId != null && !commandId.isBlank() && commandId.length() <= MAX_DEDUP_KEY
                ? commandId
                : "rotor-" + Hashing.id(channel.id(), message);
        Optional<String> path = Optional.ofNullable(metadata.get("secret_path")).filter(p -> !p.isBlank());
        if (path.isEmpty() && key != null && key.length > 0) {
            path = Optional.of(new String(key, StandardCharsets.UTF_8));
        }
        return new Alert(
                channel,
                dedupKey,
                path,
                n.getPriority() == null ? "" : n.getPriority(),
                message,
                metadata,
                n.getCreatedAt() == null ? Instant.EPOCH : n.getCreatedAt());
    }

    /** The first line of the message without its decorations, e.g. {@code EMERGENCY ROTATION FAILED}. */
    String headline() {
        for (final String line : message.split("\n", -1)) {
            final String plain =
                    line.replaceAll("[^\\p{L}\\p{N} .,:;()/_-]", "").trim();
            if (!plain.isEmpty()) {
                return plain;
            }
        }
        return channel == Channel.CRITICAL ? "rotor critical notification" : "rotor notification";
    }
}
