package dev.rotor.detection;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Everything detection remembers about one secret, in one store value: the recent failed-auth and rate-limit events
 * and when the last command for it was issued (for the cooldown). Keeping it in one value is what makes detection a
 * single read and a single write per event.
 */
final class SecretState {
    static final long NEVER = Long.MIN_VALUE;
    private static final byte FORMAT_V1 = 1;
    private static final byte FORMAT_V2 = 2;

    final WindowCounts failedAuth;
    final WindowCounts rateLimit;
    long lastCommandAt;
    /** Event time of the newest event counted for this secret: lateness and pruning are judged against it. */
    long newestCounted;

    SecretState() {
        this(new WindowCounts(), new WindowCounts(), NEVER, NEVER);
    }

    private SecretState(final WindowCounts failedAuth, final WindowCounts rateLimit, final long lastCommandAt,
                        final long newestCounted) {
        this.failedAuth = failedAuth;
        this.rateLimit = rateLimit;
        this.lastCommandAt = lastCommandAt;
        this.newestCounted = newestCounted;
    }

    WindowCounts counts(final TriggerMatrix.Action action) {
        return action == TriggerMatrix.Action.COUNT_RATE_LIMIT ? rateLimit : failedAuth;
    }

    /** True when a trigger at {@code eventTime} falls within the cooldown of the last command (or before it). */
    boolean inCooldown(final long eventTime, final long cooldownMs) {
        return lastCommandAt != NEVER && eventTime < lastCommandAt + cooldownMs;
    }

    /** A command was issued for a trigger at {@code eventTime}: counts start again from zero. */
    void commanded(final long eventTime) {
        lastCommandAt = lastCommandAt == NEVER ? eventTime : Math.max(lastCommandAt, eventTime);
        resetCounts();
    }

    void resetCounts() {
        failedAuth.clear();
        rateLimit.clear();
    }

    /** Nothing here can influence a future decision any more. */
    boolean isIdle(final long streamTime, final long cooldownMs) {
        return failedAuth.isEmpty() && rateLimit.isEmpty()
                && (lastCommandAt == NEVER || lastCommandAt + cooldownMs < streamTime);
    }

    static Serde<SecretState> serde() {
        final Serializer<SecretState> ser = (topic, s) -> s == null ? null : s.toBytes();
        final Deserializer<SecretState> de = (topic, b) -> b == null ? null : fromBytes(b);
        return Serdes.serdeFrom(ser, de);
    }

    byte[] toBytes() {
        final ByteBuffer buf = ByteBuffer.allocate(1 + 8 + 8 + 2 * 4 + 24 * (failedAuth.size() + rateLimit.size()));
        buf.put(FORMAT_V2).putLong(lastCommandAt).putLong(newestCounted);
        write(buf, failedAuth);
        write(buf, rateLimit);
        return buf.array();
    }

    static SecretState fromBytes(final byte[] bytes) {
        try {
            final ByteBuffer buf = ByteBuffer.wrap(bytes);
            final byte format = buf.get();
            if (format != FORMAT_V1 && format != FORMAT_V2) {
                throw new SerializationException("secret state format " + format + " is not supported");
            }
            final long last = buf.getLong();
            final long newest = format == FORMAT_V2 ? buf.getLong() : NEVER; // v1 (before it was kept): unknown
            return new SecretState(read(buf), read(buf), last, newest);
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
