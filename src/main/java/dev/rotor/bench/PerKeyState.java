package dev.rotor.bench;

import dev.rotor.detection.WindowCounts;
import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Baseline (b3)'s one store value per secret: its recent failed-auth and rate-limit events, the newest counted event
 * time (lateness and pruning are judged against it), and — on the processing clock — when the last command was issued
 * (cooldown) and when an event was last seen (idle cleanup). One value per secret is what keeps an event at one read
 * and one write.
 */
final class PerKeyState {
    static final long NEVER = Long.MIN_VALUE;

    final WindowCounts failedAuth;
    final WindowCounts rateLimit;
    long lastCommandAt;
    long newestCounted;
    long lastSeenAt;

    PerKeyState() {
        this(new WindowCounts(4), new WindowCounts(4), NEVER, NEVER, NEVER);
    }

    private PerKeyState(
            final WindowCounts failedAuth,
            final WindowCounts rateLimit,
            final long lastCommandAt,
            final long newestCounted,
            final long lastSeenAt) {
        this.failedAuth = failedAuth;
        this.rateLimit = rateLimit;
        this.lastCommandAt = lastCommandAt;
        this.newestCounted = newestCounted;
        this.lastSeenAt = lastSeenAt;
    }

    boolean inCooldown(final long now, final long cooldownMs) {
        return lastCommandAt != NEVER && now < lastCommandAt + cooldownMs;
    }

    /** Drops from both lists the events before {@code cutoff}; true when either changed (both are always pruned). */
    boolean pruneBefore(final long cutoff) {
        final boolean failedAuthChanged = failedAuth.pruneBefore(cutoff);
        final boolean rateLimitChanged = rateLimit.pruneBefore(cutoff);
        return failedAuthChanged || rateLimitChanged;
    }

    /** A command was issued at {@code now}: the counts start again. */
    void commanded(final long now) {
        lastCommandAt = Math.max(lastCommandAt, now);
        clearCounts();
    }

    void clearCounts() {
        failedAuth.clear();
        rateLimit.clear();
    }

    /** Not in a cooldown, and nothing counted or nothing seen for {@code quietMs}. */
    boolean forgettable(final long now, final long cooldownMs, final long quietMs) {
        return !inCooldown(now, cooldownMs)
                && ((failedAuth.isEmpty() && rateLimit.isEmpty())
                        || (lastSeenAt != NEVER && lastSeenAt + quietMs < now));
    }

    static Serde<PerKeyState> serde() {
        return Serdes.serdeFrom(
                (topic, s) -> s == null ? null : s.toBytes(), (topic, b) -> b == null ? null : fromBytes(b));
    }

    byte[] toBytes() {
        final ByteBuffer b = ByteBuffer.allocate(3 * 8 + 2 * 4 + 24 * (failedAuth.size() + rateLimit.size()));
        b.putLong(lastCommandAt).putLong(newestCounted).putLong(lastSeenAt);
        write(b, failedAuth);
        write(b, rateLimit);
        return b.array();
    }

    static PerKeyState fromBytes(final byte[] bytes) {
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        final long last = b.getLong();
        final long newest = b.getLong();
        final long seen = b.getLong();
        return new PerKeyState(read(b), read(b), last, newest, seen);
    }

    private static void write(final ByteBuffer b, final WindowCounts events) {
        b.putInt(events.size());
        for (int i = 0; i < events.size(); i++) {
            b.putLong(events.time(i)).putLong(events.weight(i)).putLong(events.fingerprint(i));
        }
    }

    private static WindowCounts read(final ByteBuffer b) {
        final int n = b.getInt();
        final WindowCounts events = new WindowCounts(n + 1);
        for (int i = 0; i < n; i++) {
            events.add(b.getLong(), b.getLong(), b.getLong());
        }
        return events;
    }
}
