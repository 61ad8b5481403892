package dev.rotor.topics;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

/** A topic name with its key and value serdes: the only place where the two meet. */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde) {

    public Consumed<K, V> consumed(final String processorName) {
        return Consumed.with(keySerde, valueSerde).withName(processorName);
    }

    public Produced<K, V> produced(final String processorName) {
        return Produced.with(keySerde, valueSerde).withName(processorName);
    }

    /**
     * Adds this topic as a sink named {@code sinkName} under the processor of {@code from}, whose outputs are of
     * several types: the processor forwards this topic's records to the sink by name ({@code context.forward(record,
     * sinkName)}), so no split or unwrap node stands between them.
     */
    public void sinkOf(final KStream<Object, Object> from, final String sinkName) {
        Topic.<K, V>narrowed(from).to(name, produced(sinkName));
    }

    /** {@code stream} seen with the types that the processor forwards to one particular child. */
    @SuppressWarnings("unchecked") // the caller names the types its processor forwards to that child
    public static <K, V> KStream<K, V> narrowed(final KStream<?, ?> stream) {
        return (KStream<K, V>) stream;
    }
}
