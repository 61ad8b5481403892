package dev.rotor.rotation;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the executor remembers of a command it finished ({@code executed-commands} store): when, and whether it
 * succeeded, so that a replay of the command is answered DUPLICATE with the original's success, never a blanket true.
 * Stored as 9 bytes (time, then 1 or 0); a bare 8-byte time, as written before the success was kept, reads as a success
 * (every such entry's result is already on rotation-results).
 */
record ExecutedCommand(long at, boolean success) {
    static Serde<ExecutedCommand> serde() {
        final Serializer<ExecutedCommand> ser = (topic, e) -> e == null
                ? null
                : ByteBuffer.allocate(9)
                        .putLong(e.at())
                        .put((byte) (e.success() ? 1 : 0))
                        .array();
        final Deserializer<ExecutedCommand> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != 8 && b.length != 9) {
                throw new SerializationException("corrupt executed-commands entry (" + b.length + " bytes)");
            }
            final ByteBuffer buf = ByteBuffer.wrap(b);
            return new ExecutedCommand(buf.getLong(), b.length == 8 || buf.get() == 1);
        };
        return Serdes.serdeFrom(ser, de);
    }
}
