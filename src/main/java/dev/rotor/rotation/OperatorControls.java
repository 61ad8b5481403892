package dev.rotor.rotation;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What operators told the executors through {@code rotor-control} (README "Storm breaker"): pause or resume automatic
 * rotation, approve or release held commands. Every executor instance reads the whole topic into the global store
 * {@value #STORE}; each record's key says what it governs, so the newest record per key is all that counts:
 *
 * <ul>
 *   <li>{@code pause}: the latest {@code pause} or {@code resume};
 *   <li>{@code approve:*} / {@code release:*}: every command held at or before the record's time;
 *   <li>{@code approve:event:ID} / {@code release:event:ID}: the held commands of one event;
 *   <li>{@code approve:command:ID} / {@code release:command:ID}: one held command.
 * </ul>
 *
 * A decision covers only commands held at or before its time (the operator's clock), so approving a storm never
 * approves the next one in advance.
 */
public final class OperatorControls {
    public static final String STORE = "operator-controls";
    public static final String PAUSE_KEY = "pause";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .setDefaultPropertyInclusion(JsonInclude.Include.NON_NULL);

    /** What an operator may do. */
    public enum Action {
        PAUSE,
        RESUME,
        APPROVE,
        RELEASE
    }

    /** One operator command as written to {@code rotor-control}: JSON, small, no secret in it. */
    public record Control(String action, String scope, String id, long at, String by, String reason) {
        public Action kind() {
            return Action.valueOf(action.toUpperCase(Locale.ROOT));
        }

        /** The record key that {@code this} replaces the previous decision of. */
        public String key() {
            return switch (kind()) {
                case PAUSE, RESUME -> PAUSE_KEY;
                case APPROVE, RELEASE ->
                    action.toLowerCase(Locale.ROOT) + ":" + ("all".equals(scope) ? "*" : scope + ":" + id);
            };
        }

        public String toJson() {
            try {
                return JSON.writeValueAsString(this);
            } catch (final JsonProcessingException e) {
                throw new IllegalStateException("cannot write a control record", e);
            }
        }

        public static Optional<Control> parse(final String json) {
            if (json == null) {
                return Optional.empty();
            }
            try {
                final Control c = JSON.readValue(json, Control.class);
                c.kind(); // an unknown action is no control
                return Optional.of(c);
            } catch (final JsonProcessingException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    private final ReadOnlyKeyValueStore<String, String> store;
    /**
     * The last record read under each key and what it said. Decisions change rarely but are asked often (the pause for
     * every command, the {@code *} decisions for every held command every second), so each record is parsed once, not
     * on every question.
     */
    private final Map<String, Map.Entry<String, Optional<Control>>> parsed = new HashMap<>();

    OperatorControls(final ReadOnlyKeyValueStore<String, String> store) {
        this.store = store;
    }

    /** Whether automatic rotation is paused now. */
    boolean paused() {
        return control(PAUSE_KEY).map(c -> c.kind() == Action.PAUSE).orElse(false);
    }

    /** The operator decision that covers {@code held}, if any; a release wins over an approval of the same time. */
    Optional<Control> decision(final HeldCommand held) {
        Control best = null;
        for (final Action action : new Action[] {Action.RELEASE, Action.APPROVE}) {
            final String prefix = action.name().toLowerCase(Locale.ROOT) + ":";
            for (final String key : new String[] {
                prefix + "*",
                prefix + "event:" + held.command().getEventId(),
                prefix + "command:" + held.command().getCommandId()
            }) {
                final Optional<Control> c = control(key);
                if (c.isPresent()
                        && c.get().at() >= held.heldAt()
                        && (best == null || c.get().at() > best.at())) {
                    best = c.get();
                }
            }
        }
        return Optional.ofNullable(best);
    }

    private Optional<Control> control(final String key) {
        final String raw = store.get(key);
        if (raw == null) {
            parsed.remove(key);
            return Optional.empty();
        }
        final Map.Entry<String, Optional<Control>> last = parsed.get(key);
        if (last != null && last.getKey().equals(raw)) {
            return last.getValue();
        }
        final Optional<Control> control = Control.parse(raw);
        parsed.put(key, Map.entry(raw, control));
        return control;
    }
}
