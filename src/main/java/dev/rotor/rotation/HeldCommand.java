package dev.rotor.rotation;

import dev.rotor.avro.RotationCommand;
import dev.rotor.serde.AvroBinarySerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A command the storm breaker stopped ({@code held-commands} store, keyed by command id): the command itself, when it
 * was held (rotor's clock) and why. Stored as the time, the reason's length and UTF-8 bytes, then the command in Avro
 * binary.
 */
record HeldCommand(RotationCommand command, long heldAt, String reason) {
    static Serde<HeldCommand> serde() {
        final Serde<RotationCommand> commands = AvroBinarySerde.of(RotationCommand.class);
        final Serializer<HeldCommand> ser = (topic, h) -> {
            if (h == null) {
                return null;
            }
            final byte[] reason = h.reason().getBytes(StandardCharsets.UTF_8);
            final byte[] command = commands.serializer().serialize(topic, h.command());
            return ByteBuffer.allocate(8 + 4 + reason.length + command.length)
                    .putLong(h.heldAt())
                    .putInt(reason.length)
                    .put(reason)
                    .put(command)
                    .array();
        };
        final Deserializer<HeldCommand> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            try {
                final ByteBuffer buf = ByteBuffer.wrap(b);
                final long heldAt = buf.getLong();
                final byte[] reason = new byte[buf.getInt()];
                buf.get(reason);
                final byte[] command = new byte[buf.remaining()];
                buf.get(command);
                return new HeldCommand(
                        commands.deserializer().deserialize(topic, command),
                        heldAt,
                        new String(reason, StandardCharsets.UTF_8));
            } catch (final RuntimeException e) {
                throw new SerializationException("corrupt held-commands entry (" + b.length + " bytes)");
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
