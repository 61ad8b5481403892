package dev.rotor.rotation;

import dev.rotor.avro.RotationCommand;
import dev.rotor.serde.AvroBinarySerde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The commands waiting for one secret, oldest first; the first is the one in flight. Kept in the changelogged
 * {@code pending-rotations} store so that an accepted command survives a crash and is executed by whoever owns the
 * partition next.
 */
final class CommandQueue {
    private CommandQueue() {}

    static Serde<List<RotationCommand>> serde() {
        final Serde<RotationCommand> one = AvroBinarySerde.of(RotationCommand.class);
        final Serializer<List<RotationCommand>> ser = (topic, commands) -> {
            if (commands == null) {
                return null;
            }
            final List<byte[]> parts = new ArrayList<>(commands.size());
            int size = 4;
            for (final RotationCommand c : commands) {
                final byte[] b = one.serializer().serialize(topic, c);
                parts.add(b);
                size += 4 + b.length;
            }
            final ByteBuffer buf = ByteBuffer.allocate(size).putInt(parts.size());
            parts.forEach(b -> buf.putInt(b.length).put(b));
            return buf.array();
        };
        final Deserializer<List<RotationCommand>> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                final ByteBuffer buf = ByteBuffer.wrap(bytes);
                final int n = buf.getInt();
                final List<RotationCommand> out = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    final byte[] b = new byte[buf.getInt()];
                    buf.get(b);
                    out.add(one.deserializer().deserialize(topic, b));
                }
                return out;
            } catch (final RuntimeException e) {
                throw new SerializationException("corrupt pending-rotations entry (" + bytes.length + " bytes)");
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
