package dev.rotor.serde;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde whose serializer refuses values over a size limit with an {@link OutputTooLargeException} before the producer
 * sees them, so {@link OutputLimitHandler} can drop the one output instead of the producer aborting the transaction
 * (see there). Deserialisation is the wrapped serde's.
 */
public final class BoundedSerde {
    private BoundedSerde() {}

    public static <T> Serde<T> of(final Serde<T> inner, final int maxValueBytes) {
        final Serializer<T> serializer = inner.serializer();
        final Serializer<T> bounded = new Serializer<>() {
            @Override
            public byte[] serialize(final String topic, final T data) {
                return check(topic, serializer.serialize(topic, data));
            }

            @Override
            public byte[] serialize(final String topic, final Headers headers, final T data) {
                return check(topic, serializer.serialize(topic, headers, data));
            }

            private byte[] check(final String topic, final byte[] bytes) {
                if (bytes != null && bytes.length > maxValueBytes) {
                    throw new OutputTooLargeException(topic, bytes.length, maxValueBytes);
                }
                return bytes;
            }
        };
        return Serdes.serdeFrom(bounded, inner.deserializer());
    }
}
