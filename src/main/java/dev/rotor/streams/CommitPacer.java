package dev.rotor.streams;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * Asks Kafka Streams to commit now, for records that should not wait for the commit interval (a rotation on its way),
 * but at most once per {@code spacing}: a burst of triggers would otherwise turn into one transaction per record,
 * which costs far more throughput than the few milliseconds it saves. One per processor instance (stream thread).
 */
public final class CommitPacer {
    private final long spacingMs;
    private long lastRequest = Long.MIN_VALUE;

    public CommitPacer(final long spacingMs) {
        this.spacingMs = spacingMs;
    }

    public void requestCommit(final ProcessorContext<?, ?> context) {
        final long now = context.currentSystemTimeMs();
        if (lastRequest == Long.MIN_VALUE || now - lastRequest >= spacingMs) {
            lastRequest = now;
            context.commit();
        }
    }
}
