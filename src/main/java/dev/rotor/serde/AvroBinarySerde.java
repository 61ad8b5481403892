package dev.rotor.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro's single-object encoding (a 10-byte header with the schema's fingerprint, then Avro binary), for rotor's
 * internal topics (repartition), which need no registry: both ends are rotor. The fingerprint makes a record written by
 * an incompatible rotor version fail loudly rather than decode as garbage.
 */
public final class AvroBinarySerde {
    private AvroBinarySerde() {}

    public static <T extends SpecificRecord> Serde<T> of(final Class<T> type) {
        final SpecificData model = SpecificData.getForClass(type);
        final Schema schema = model.getSchema(type);
        final BinaryMessageEncoder<T> encoder = new BinaryMessageEncoder<>(model, schema);
        // maps (an event's metadata) come back in the order they were written, as the sender wrote them
        final BinaryMessageDecoder<T> decoder = new BinaryMessageDecoder<>(OrderedMaps.model(model), schema);
        final Serializer<T> ser = (topic, record) -> {
            if (record == null) {
                return null;
            }
            try {
                final ByteBuffer buf = encoder.encode(record);
                final byte[] out = new byte[buf.remaining()];
                buf.get(out);
                return out;
            } catch (final IOException e) {
                throw new SerializationException("cannot encode " + schema.getName());
            }
        };
        final Deserializer<T> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decoder.decode(bytes);
            } catch (final IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + schema.getName() + " ("
                        + e.getClass().getSimpleName() + ")");
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
