package dev.rotor.bench;

import java.util.Optional;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Baseline (b3)'s {@code parse-and-key-by-path}: one record per secret an event names, keyed by the secret's path,
 * stamped with the event's own time, carrying a {@link PerKeyEvent}. Events that ask for nothing or cannot be read are
 * only counted.
 */
final class PerKeyParse implements Processor<byte[], byte[], String, PerKeyEvent> {
    private final PerKeyCounters counters;
    private ProcessorContext<String, PerKeyEvent> context;

    PerKeyParse(final PerKeyCounters counters) {
        this.counters = counters;
    }

    @Override
    public void init(final ProcessorContext<String, PerKeyEvent> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        final Optional<PerKeyEvent.Parsed> parsed =
                record.value() == null ? Optional.empty() : PerKeyEvent.parse(record.value());
        if (parsed.isEmpty()) {
            counters.ignored.incrementAndGet();
            return;
        }
        final PerKeyEvent event = parsed.get().event();
        for (final String path : parsed.get().paths()) {
            context.forward(new Record<>(path, event, event.eventTime()));
        }
    }
}
