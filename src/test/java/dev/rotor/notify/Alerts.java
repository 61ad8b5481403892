package dev.rotor.notify;

import dev.rotor.avro.Notification;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Notifications as the executor writes them, and a metrics recorder, for the notification tests. */
final class Alerts {
    private Alerts() {}

    static Notification failure(final String commandId, final String path, final Instant at) {
        return Notification.newBuilder()
                .setChannel("security-critical")
                .setPriority("critical")
                .setMessage("🚨 EMERGENCY ROTATION FAILED 🚨\n\nSecret: " + path + "\nTrigger: leaked_credential\n"
                        + "Threat Level: critical\nError: permission denied\n\nIMMEDIATE ACTION REQUIRED!")
                .setMetadata(details(commandId, path))
                .setCreatedAt(at)
                .build();
    }

    static Notification success(final String commandId, final String path, final Instant at) {
        return Notification.newBuilder()
                .setChannel("security-alerts")
                .setPriority("high")
                .setMessage("🔐 Emergency Credential Rotation Triggered\n\nSecret: " + path + "\n")
                .setMetadata(details(commandId, path))
                .setCreatedAt(at)
                .build();
    }

    static Alert critical(final String commandId, final String path, final Instant at) {
        return Alert.of(Channel.CRITICAL, path.getBytes(StandardCharsets.UTF_8), failure(commandId, path, at));
    }

    static Alert rotated(final String commandId, final String path, final Instant at) {
        return Alert.of(Channel.ALERTS, path.getBytes(StandardCharsets.UTF_8), success(commandId, path, at));
    }

    private static Map<String, String> details(final String commandId, final String path) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("secret_path", path);
        m.put("command_id", commandId);
        m.put("event_id", "evt-" + commandId);
        m.put("rule", "critical-threat");
        m.put("strategy", "kv2");
        return m;
    }

    /** Records (sink, outcome) pairs. */
    static final class Counted implements DeliveryMetrics {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void record(final String sink, final String outcome) {
            seen.add(sink + ":" + outcome);
        }

        long count(final String sink, final String outcome) {
            return seen.stream().filter((sink + ":" + outcome)::equals).count();
        }
    }
}
