package dev.rotor.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.WindowCounts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Baseline (b3)'s {@code apply-per-key-rules}: rotor's per-secret algorithm and nothing around it.
 *
 * <ol>
 *   <li>Reads one secret's share of an event ({@link PerKeyEvent}), keyed by secret path, after the repartition.
 *   <li>Writes a command (small JSON: command id, event id, path, rule, requested_at) when the trigger matrix says
 *       rotate or a window's weight reaches its threshold; nothing else — no audit record, no statistics store, no dead
 *       letters.
 *   <li>Decides as rotor does (DESIGN.md §3, §9): weight N within any window of length W, per secret, in event time; an
 *       event more than the grace behind its secret's newest counted event is late and not counted; a resent event id
 *       counts once; counts start again after a threshold is reached or a command is issued; within the cooldown
 *       (processing time) a further trigger is suppressed, except a manual one. One read and one write of
 *       {@value #STORE} per event; a wall-clock punctuation every {@code rotor.state-cleanup-interval} prunes old
 *       events and forgets idle secrets, as rotor does.
 *   <li>Limits: thresholds, windows, grace, cooldown and cleanup interval are rotor's configuration; timestamps are
 *       ISO-8601 or epoch milliseconds only.
 * </ol>
 */
final class PerKeyRules implements Processor<String, PerKeyEvent, String, byte[]> {
    static final String STORE = "per-key-state";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RotorConfig.DetectionSettings settings;
    private final PerKeyCounters counters;
    private final long graceMs;
    private final long cooldownMs;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, PerKeyState> states;

    PerKeyRules(final RotorConfig.DetectionSettings settings, final PerKeyCounters counters) {
        this.settings = settings;
        this.counters = counters;
        this.graceMs = settings.grace().toMillis();
        this.cooldownMs = settings.cooldown().toMillis();
    }

    static StoreBuilder<KeyValueStore<String, PerKeyState>> store() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), PerKeyState.serde())
                .withCachingEnabled();
    }

    @Override
    public void init(final ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.states = context.getStateStore(STORE);
        context.schedule(settings.stateCleanupInterval(), PunctuationType.WALL_CLOCK_TIME, this::forgetIdle);
    }

    @Override
    public void process(final Record<String, PerKeyEvent> record) {
        final String path = record.key();
        final PerKeyEvent event = record.value();
        final long now = context.currentSystemTimeMs();
        PerKeyState state = states.get(path);
        if (state == null) {
            state = new PerKeyState();
        }
        state.lastSeenAt = now;
        if (event.action().rotates()) {
            if (event.action() != PerKeyEvent.Action.ROTATE_MANUAL && state.inCooldown(now, cooldownMs)) {
                counters.suppressed.incrementAndGet();
            } else {
                command(path, event, state, now);
            }
        } else if (!count(path, event, state, now)) {
            return;
        }
        states.put(path, state);
    }

    /** Returns whether the state changed. */
    private boolean count(final String path, final PerKeyEvent event, final PerKeyState state, final long now) {
        final boolean failedAuth = event.action() == PerKeyEvent.Action.COUNT_FAILED_AUTH;
        final long window = (failedAuth ? settings.failedAuthWindow() : settings.rateLimitWindow()).toMillis();
        final long threshold = failedAuth ? settings.failedAuthThreshold() : settings.rateLimitThreshold();
        final long time = event.eventTime();
        final long newest = state.newestCounted == PerKeyState.NEVER ? time : state.newestCounted;
        if (time < newest - graceMs) {
            counters.late.incrementAndGet();
            return false;
        }
        final WindowCounts events = failedAuth ? state.failedAuth : state.rateLimit;
        final long fingerprint = PerKeyEvent.fingerprint(event.eventId());
        if (events.containsFingerprint(fingerprint)) {
            counters.duplicates.incrementAndGet();
            return false;
        }
        state.newestCounted = Math.max(newest, time);
        events.pruneBefore(state.newestCounted - graceMs - window);
        events.add(time, event.weight(), fingerprint);
        if (events.maxWindowSumContaining(time, window) >= threshold) {
            if (state.inCooldown(now, cooldownMs)) {
                counters.suppressed.incrementAndGet();
                state.clearCounts();
            } else {
                command(path, event, state, now);
            }
        }
        return true;
    }

    private void command(final String path, final PerKeyEvent event, final PerKeyState state, final long now) {
        state.commanded(now);
        counters.commands.incrementAndGet();
        final Map<String, String> command = new LinkedHashMap<>();
        command.put("command_id", commandId(event.eventId(), path));
        command.put("event_id", event.eventId());
        command.put("secret_path", path);
        command.put("rule", event.action().rule);
        command.put("requested_at", Instant.ofEpochMilli(now).toString());
        try {
            context.forward(new Record<>(path, JSON.writeValueAsBytes(command), now));
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write a command", e);
        }
    }

    /** Deterministic (SHA-256 of event id and path), so an executor could refuse a replay. */
    static String commandId(final String eventId, final String path) {
        try {
            final MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(eventId.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(path.getBytes(StandardCharsets.UTF_8));
            return "cmd-" + HexFormat.of().formatHex(d.digest(), 0, 16);
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** Prunes events that can no longer share a window with an on-time event; forgets idle secrets. */
    private void forgetIdle(final long now) {
        final long span = graceMs + settings.longestWindow().toMillis();
        final List<String> idle = new ArrayList<>();
        final List<KeyValue<String, PerKeyState>> pruned = new ArrayList<>();
        try (KeyValueIterator<String, PerKeyState> it = states.all()) {
            while (it.hasNext()) {
                final KeyValue<String, PerKeyState> kv = it.next();
                final PerKeyState s = kv.value;
                final boolean changed = s.newestCounted != PerKeyState.NEVER && s.pruneBefore(s.newestCounted - span);
                if (s.forgettable(now, cooldownMs, 2 * span)) {
                    idle.add(kv.key);
                } else if (changed) {
                    pruned.add(kv);
                }
            }
        }
        idle.forEach(states::delete);
        states.putAll(pruned);
    }
}
