package dev.rotor.rotation;

import dev.rotor.avro.Indicator;
import dev.rotor.avro.RotationCommand;
import dev.rotor.config.Durations;
import dev.rotor.config.RotorConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The storm breaker's gate in front of one executor task (README "Storm breaker"; decisions.md "The storm breaker's
 * budget is split across partitions"). An automatic command is held when automatic rotation is paused, when its event
 * named more than {@code rotor.breaker.max-secrets-per-event} secrets, or when the task's share of
 * {@code rotor.breaker.max-rotations} is spent within {@code rotor.breaker.window}.
 *
 * <p>The group-wide budget needs no coordination: partition {@code p} of {@code P} may start {@code N / P} automatic
 * rotations per window, one more for the first {@code N % P} partitions, so the shares add up to exactly {@code N}
 * whichever instance owns which partition. The starts are kept in the changelogged store {@value #BUDGET_STORE}, so the
 * count survives a crash or a move of the partition, and they are counted on rotor's clock, never on an event's
 * timestamp. The limit: a storm that lands on few partitions is held before the group reaches N (held, not lost: an
 * operator approves it).
 *
 * <p>Manual triggers (they have their own limit), cascades (the parent was already admitted), an operator's retries and
 * commands an operator approved are never held.
 */
public final class StormBreaker {
    static final String BUDGET_STORE = "rotation-budget";
    /** The rule of a command {@code rotor retry} made. */
    public static final String RETRY_RULE = "retry";

    private static final String STARTS = "starts";

    private final RotorConfig.BreakerSettings settings;
    private final int share;
    private final KeyValueStore<String, List<Long>> budget;
    private final OperatorControls controls;

    StormBreaker(
            final RotorConfig.BreakerSettings settings,
            final int partition,
            final int partitions,
            final KeyValueStore<String, List<Long>> budget,
            final OperatorControls controls) {
        this.settings = settings;
        this.share = share(settings.maxRotations(), partition, partitions);
        this.budget = budget;
        this.controls = controls;
    }

    /** Partition {@code p}'s part of {@code total}; the parts of all {@code partitions} add up to {@code total}. */
    static int share(final int total, final int p, final int partitions) {
        final int n = Math.max(1, partitions);
        return total / n + (p % n < total % n ? 1 : 0);
    }

    /**
     * Whether the breaker judges {@code command} at all: manual triggers, cascades and an operator's {@code rotor
     * retry} it never holds.
     */
    static boolean automatic(final RotationCommand command) {
        return command.getIndicator() != Indicator.manual_trigger
                && command.getCascadeDepth() == 0
                && !RETRY_RULE.equals(command.getRule());
    }

    /**
     * Why {@code command} must wait for an operator, or null when it may run now, in which case its start is counted
     * against the budget (the caller runs it).
     */
    String admit(final RotationCommand command, final long now) {
        if (!automatic(command)) {
            return null;
        }
        if (controls.paused()) {
            return "automatic rotation is paused (rotor pause)";
        }
        final int named = command.getSecretsInEvent();
        if (settings.maxSecretsPerEvent() > 0 && named > settings.maxSecretsPerEvent()) {
            return "its event names " + named + " secrets, more than rotor.breaker.max-secrets-per-event="
                    + settings.maxSecretsPerEvent();
        }
        if (settings.maxRotations() > 0) {
            final List<Long> starts = recentStarts(now);
            if (starts.size() >= share) {
                return "the rotation budget is spent: rotor.breaker.max-rotations=" + settings.maxRotations()
                        + " automatic rotations per " + Durations.format(settings.window()) + " across the group";
            }
            starts.add(now);
            budget.put(STARTS, starts);
        }
        return null;
    }

    /** This task's automatic starts within the window, oldest first. */
    private List<Long> recentStarts(final long now) {
        final List<Long> stored = budget.get(STARTS);
        final List<Long> recent = new ArrayList<>(stored == null ? 0 : stored.size() + 1);
        if (stored != null) {
            final long from = now - settings.window().toMillis();
            for (final Long at : stored) {
                if (at > from) {
                    recent.add(at);
                }
            }
        }
        return recent;
    }

    /** The budget's starts: a count, then the times in milliseconds. */
    static Serde<List<Long>> startsSerde() {
        final Serializer<List<Long>> ser = (topic, starts) -> {
            if (starts == null) {
                return null;
            }
            final ByteBuffer buf = ByteBuffer.allocate(4 + 8 * starts.size()).putInt(starts.size());
            starts.forEach(buf::putLong);
            return buf.array();
        };
        final Deserializer<List<Long>> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            final ByteBuffer buf = ByteBuffer.wrap(b);
            final int n = b.length >= 4 ? buf.getInt() : -1;
            if (n < 0 || b.length != 4 + 8L * n) {
                throw new SerializationException("corrupt rotation-budget entry (" + b.length + " bytes)");
            }
            final List<Long> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(buf.getLong());
            }
            return out;
        };
        return Serdes.serdeFrom(ser, de);
    }
}
