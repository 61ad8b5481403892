package dev.rotor.topics;

import dev.rotor.config.RotorConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Plain producers with rotor's Kafka settings, for what rotor writes outside Kafka Streams (operator commands, alerts).
 */
public final class Producers {
    private Producers() {}

    /** A byte-array producer: idempotent, {@code acks=all}, with the producer settings of {@code kafka.*}. */
    public static KafkaProducer<byte[], byte[]> bytes(final RotorConfig cfg) {
        final Map<String, Object> props = new HashMap<>(cfg.kafka());
        props.keySet().retainAll(ProducerConfig.configNames());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props);
    }
}
