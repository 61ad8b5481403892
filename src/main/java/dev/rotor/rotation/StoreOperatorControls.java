package dev.rotor.rotation;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global store {@value OperatorControls#STORE} up to date from {@code rotor-control}: each readable control
 * record replaces the previous one under the key its action and scope give (not the record's own key, which a
 * hand-written record might get wrong). An unreadable record is logged and skipped; it changes nothing.
 */
final class StoreOperatorControls implements Processor<String, String, Void, Void> {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOperatorControls.class);
    private KeyValueStore<String, String> store;

    @Override
    public void init(final ProcessorContext<Void, Void> context) {
        this.store = context.getStateStore(OperatorControls.STORE);
    }

    @Override
    public void process(final Record<String, String> record) {
        OperatorControls.Control.parse(record.value())
                .ifPresentOrElse(
                        c -> store.put(c.key(), record.value()),
                        () -> LOG.warn(
                                "Skipped an unreadable rotor-control record ({} bytes)",
                                record.value() == null ? 0 : record.value().length()));
    }
}
