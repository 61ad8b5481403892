package dev.rotor.rotation;

import dev.rotor.avro.Notification;
import dev.rotor.config.Durations;
import dev.rotor.events.Hashing;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@code announce-storms}: one critical notification per storm, not one per held secret.
 *
 * <ol>
 *   <li>Reads: a notice for every command the storm breaker held, from every executor task, through a repartition topic
 *       of one partition, so that one task sees them all.
 *   <li>Writes: a critical notification (security-critical) when a hold comes after {@code rotor.breaker.window} of
 *       quiet (rotor's clock): the start of a storm. Later holds of the same storm are only counted.
 *   <li>Guarantees: the storm's state ({@value #STORE}: first hold, last hold, count) is changelogged, so a restart
 *       neither repeats nor loses the announcement.
 *   <li>Limits: a storm that goes quiet for a whole window and then resumes is announced again.
 * </ol>
 */
final class AnnounceStorms implements Processor<String, Notification, String, Notification> {
    static final String STORE = "storm-episodes";
    private static final String CURRENT = "current";

    private final Duration quiet;
    private final Duration expiry;
    private ProcessorContext<String, Notification> context;
    private KeyValueStore<String, List<Long>> episodes;

    AnnounceStorms(final Duration quiet, final Duration expiry) {
        this.quiet = quiet;
        this.expiry = expiry;
    }

    @Override
    public void init(final ProcessorContext<String, Notification> context) {
        this.context = context;
        this.episodes = context.getStateStore(STORE);
    }

    @Override
    public void process(final Record<String, Notification> notice) {
        final long now = context.currentSystemTimeMs();
        final List<Long> current = episodes.get(CURRENT);
        if (current != null && current.size() == 3 && now - current.get(1) <= quiet.toMillis()) {
            episodes.put(CURRENT, List.of(current.get(0), now, current.get(2) + 1));
            return;
        }
        episodes.put(CURRENT, List.of(now, now, 1L));
        final Map<String, String> held = notice.value().getMetadata();
        final Map<String, String> details = new LinkedHashMap<>();
        details.put(
                "storm_id", "storm-" + Hashing.id("storm", held.getOrDefault("command_id", ""), Long.toString(now)));
        details.put("first_secret_path", held.getOrDefault("secret_path", ""));
        details.put("first_command_id", held.getOrDefault("command_id", ""));
        details.put("first_event_id", held.getOrDefault("event_id", ""));
        details.put("reason", held.getOrDefault("reason", ""));
        final Notification announcement = Notification.newBuilder()
                .setChannel(Notifications.CRITICAL_CHANNEL)
                .setPriority("critical")
                .setMessage(text(details.get("first_secret_path"), details.get("reason")))
                .setMetadata(details)
                .setCreatedAt(Instant.ofEpochMilli(now))
                .build();
        context.forward(new Record<>(details.get("storm_id"), announcement, now));
    }

    private String text(final String firstPath, final String reason) {
        return "🛑 ROTATION STORM HELD 🛑\n\n"
                + "rotor's storm breaker is holding automatic rotations instead of running them.\n"
                + "First held: " + firstPath + "\n"
                + "Reason: " + reason + "\n\n"
                + "Held commands run only when an operator decides:\n"
                + "  rotor held               lists them\n"
                + "  rotor approve --all      runs every command held so far\n"
                + "  rotor release --all      closes them without rotating\n"
                + "Held commands not decided within " + Durations.format(expiry) + " fail.\n\n"
                + "IMMEDIATE ACTION REQUIRED!";
    }
}
