package dev.rotor.streams;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * rotor's statistics (DESIGN.md §6): the one vocabulary of the processors that count them, the counter stores that keep
 * them, and {@code /stats} and the metrics that show them. Each constant is a counter, its key in the stores and in
 * {@code /stats}, and the side that counts it. The two kinds of duplicate (events detection counted once, commands the
 * executor answered DUPLICATE) share the key {@code duplicates}, under which {@code /stats} adds them up. Declared in
 * the order {@code /stats} lists them.
 */
public enum Statistic {
    TOTAL_EVENTS("total_events", Side.DETECTION),
    EMERGENCY_ROTATIONS("emergency_rotations", Side.DETECTION),
    SUCCESSFUL_ROTATIONS("successful_rotations", Side.EXECUTOR),
    FAILED_ROTATIONS("failed_rotations", Side.EXECUTOR),
    NOTIFICATIONS_SENT("notifications_sent", Side.EXECUTOR),
    SUPPRESSED("suppressed", Side.DETECTION),
    DUPLICATE_EVENTS("duplicates", Side.DETECTION),
    DUPLICATE_COMMANDS("duplicates", Side.EXECUTOR),
    INVALID_EVENTS("invalid_events", Side.DETECTION),
    LATE_EVENTS("late_events", Side.DETECTION),
    ALREADY_MITIGATED("already_mitigated", Side.EXECUTOR),
    DRY_RUNS("dry_runs", Side.EXECUTOR),
    /** Commands the storm breaker held (each also ends later: approved and run, released, or expired). */
    HELD("held", Side.EXECUTOR),
    /** Adapted events whose principal maps to no secret (audited UNMAPPED). */
    UNMAPPED_EVENTS("unmapped_events", Side.DETECTION),
    /** Adapted records that are no security event (audited NOT_RELEVANT, or only counted). */
    NOT_RELEVANT_EVENTS("not_relevant_events", Side.DETECTION);

    /** Which half of rotor counts a statistic, and so which stores hold it. */
    public enum Side {
        DETECTION,
        EXECUTOR
    }

    private final String key;
    private final Side side;

    Statistic(final String key, final Side side) {
        this.key = key;
        this.side = side;
    }

    /** The counter's key in the stores and its name in {@code /stats} and the metrics. */
    public String key() {
        return key;
    }

    public Side side() {
        return side;
    }

    /** Adds {@code by} to this counter in {@code store}, one of the side's counter stores. */
    public void increment(final KeyValueStore<String, Long> store, final long by) {
        CounterStore.increment(store, key, by);
    }

    /** Every key once, in {@code /stats} order. */
    public static List<String> keys() {
        final Set<String> keys = new LinkedHashSet<>();
        for (final Statistic s : values()) {
            keys.add(s.key);
        }
        return List.copyOf(keys);
    }
}
