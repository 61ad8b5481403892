package dev.rotor.detection;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Everything detection remembers about one secret, in one store value: the recent failed-auth and rate-limit events
 * (event time: the sliding windows are about when things happened), when the last command for it was issued and when
 * rotor last saw an event for it (rotor's own clock: a sender cannot forge them, so a stamped-ahead or replayed event
 * can neither shorten a cooldown nor get another secret's state forgotten). Keeping it in one value is what makes
 * detection a single read and a single write per event.
 */
final class SecretState {
    static final long NEVER = Long.MIN_VALUE;
    private static final byte FORMAT_V1 = 1;
    private static final byte FORMAT_V2 = 2;
    private static final byte FORMAT_V3 = 3;
    private static final byte FORMAT_V4 = 4;

    final WindowCounts failedAuth;
    final WindowCounts rateLimit;
    /** rotor's clock (processing time) when the last command for this secret was issued: the cooldown runs from it. */
    long lastCommandAt;
    /** Event time of the newest event counted for this secret: lateness and pruning are judged against it. */
    long newestCounted;
    /** rotor's clock when an event for this secret last reached the rules: idle state is forgotten by it. */
    long lastSeenAt;
    /** rotor's clock when the last manual_trigger command for this secret was issued: manual triggers' own limit. */
    long lastManualAt;

    SecretState() {
        this(new WindowCounts(), new WindowCounts(), NEVER, NEVER, NEVER, NEVER);
    }

    private SecretState(
            final WindowCounts failedAuth,
            final WindowCounts rateLimit,
            final long lastCommandAt,
            final long newestCounted,
            final long lastSeenAt,
            final long lastManualAt) {
        this.failedAuth = failedAuth;
        this.rateLimit = rateLimit;
        this.lastCommandAt = lastCommandAt;
        this.newestCounted = newestCounted;
        this.lastSeenAt = lastSeenAt;
        this.lastManualAt = lastManualAt;
    }

    WindowCounts counts(final TriggerMatrix.Action action) {
        return action == TriggerMatrix.Action.COUNT_RATE_LIMIT ? rateLimit : failedAuth;
    }

    /**
     * Drops from both counts the events before {@code cutoff} (event time); true when either list changed. Both are
     * always pruned: a short-circuit would leave the rate-limit list unpruned whenever the failed-auth one changed.
     */
    boolean pruneBefore(final long cutoff) {
        final boolean failedAuthChanged = failedAuth.pruneBefore(cutoff);
        final boolean rateLimitChanged = rateLimit.pruneBefore(cutoff);
        return failedAuthChanged || rateLimitChanged;
    }

    /** True while the cooldown of the last command runs at {@code now} (rotor's clock). */
    boolean inCooldown(final long now, final long cooldownMs) {
        return lastCommandAt != NEVER && now < lastCommandAt + cooldownMs;
    }

    /**
     * True while a manual_trigger at {@code now} (rotor's clock) is within {@code intervalMs} of the last manual one.
     */
    boolean manualTooSoon(final long now, final long intervalMs) {
        return intervalMs > 0 && lastManualAt != NEVER && now < lastManualAt + intervalMs;
    }

    /** The command issued at {@code now} (rotor's clock) came from a manual_trigger: its limit runs from here. */
    void manualCommanded(final long now) {
        lastManualAt = lastManualAt == NEVER ? now : Math.max(lastManualAt, now);
    }

    /** A command was issued at {@code now} (rotor's clock): counts start again from zero. */
    void commanded(final long now) {
        lastCommandAt = lastCommandAt == NEVER ? now : Math.max(lastCommandAt, now);
        resetCounts();
    }

    void resetCounts() {
        failedAuth.clear();
        rateLimit.clear();
    }

    /**
     * Whether the state may be forgotten at {@code now} (rotor's clock): never while a cooldown runs; otherwise when it
     * holds no counted events, or when no event for the secret arrived for {@code quietMs}.
     */
    boolean forgettable(final long now, final long cooldownMs, final long quietMs) {
        if (inCooldown(now, cooldownMs)) {
            return false;
        }
        return (failedAuth.isEmpty() && rateLimit.isEmpty()) || (lastSeenAt != NEVER && lastSeenAt + quietMs < now);
    }

    static Serde<SecretState> serde() {
        final Serializer<SecretState> ser = (topic, s) -> s == null ? null : s.toBytes();
        final Deserializer<SecretState> de = (topic, b) -> b == null ? null : fromBytes(b);
        return Serdes.serdeFrom(ser, de);
    }

    byte[] toBytes() {
        final ByteBuffer buf =
                ByteBuffer.allocate(1 + 8 + 8 + 8 + 8 + 2 * 4 + 24 * (failedAuth.size() + rateLimit.size()));
        buf.put(FORMAT_V4)
                .putLong(lastCommandAt)
                .putLong(newestCounted)
                .putLong(lastSeenAt)
                .putLong(lastManualAt);
        write(buf, failedAuth);
        write(buf, rateLimit);
        return buf.array();
    }

    static SecretState fromBytes(final byte[] bytes) {
        try {
            final ByteBuffer buf = ByteBuffer.wrap(bytes);
            final byte format = buf.get();
            if (format < FORMAT_V1 || format > FORMAT_V4) {
                throw new SerializationException("secret state format " + format + " is not supported");
            }
            final long last = buf.getLong();
            final long newest = format >= FORMAT_V2 ? buf.getLong() : NEVER; // v1 (before it was kept): unknown
            // before v3 the secret's last activity was not kept: its newest known time stands in for it
            final long seen = format >= FORMAT_V3 ? buf.getLong() : Math.max(last, newest);
            // before v4 manual triggers had no limit of their own: none is known to have run
            final long manual = format >= FORMAT_V4 ? buf.getLong() : NEVER;
            return new SecretState(read(buf), read(buf), last, newest, seen, manual);
        } catch (final RuntimeException e) {
            if (e instanceof SerializationException s) {
                throw s;
            }
            throw new SerializationException("corrupt secret state (" + bytes.length + " bytes)");
        }
    }

    private static void write(final ByteBuffer buf, final WindowCounts c) {
        buf.putInt(c.size());
        for (int i = 0; i < c.size(); i++) {
            buf.putLong(c.time(i)).putLong(c.weight(i)).putLong(c.fingerprint(i));
        }
    }

    private static WindowCounts read(final ByteBuffer buf) {
        final int n = buf.getInt();
        if (n < 0 || n > buf.remaining() / 24) {
            throw new SerializationException("corrupt secret state (bad entry count)");
        }
        final WindowCounts c = new WindowCounts(n + 1);
        for (int i = 0; i < n; i++) {
            c.add(buf.getLong(), buf.getLong(), buf.getLong());
        }
        return c;
    }
}
