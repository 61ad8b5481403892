package dev.rotor.detection;

import dev.rotor.streams.DeadLetters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The Avro input records of one task that wait for the schema registry, in arrival order, in the changelogged store
 * {@value #STORE}: a registry outage is the environment's fault, so the records are kept (not dead-lettered) and
 * decided once the registry answers, while JSON input goes on. Keyed by the record's offset (one task reads one
 * partition of {@code security-events}), so iteration is arrival order and a replay after a crash parks a record again
 * under the same key. Each entry keeps the original record (key, value, headers, timestamp, position) and when it was
 * parked, so it can be dead-lettered with its original bytes if it waits too long.
 */
final class AwaitingRegistry {
    static final String STORE = "avro-awaiting-registry";
    private static final byte FORMAT = 1;

    /** A parked record: the original record and the wall-clock time it was parked. */
    record Parked(DeadLetters.Source source, long parkedAt) {}

    private final KeyValueStore<Bytes, Parked> store;
    private long count;

    AwaitingRegistry(final KeyValueStore<Bytes, Parked> store) {
        this.store = store;
        try (KeyValueIterator<Bytes, Parked> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                count++;
            }
        }
    }

    static StoreBuilder<KeyValueStore<Bytes, Parked>> storeBuilder() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.Bytes(), serde());
    }

    boolean isEmpty() {
        return count == 0;
    }

    long size() {
        return count;
    }

    void park(final DeadLetters.Source source, final long now) {
        final Bytes key = key(source.offset());
        if (store.get(key) == null) {
            count++;
        }
        store.put(key, new Parked(source, now));
    }

    /** The parked records, oldest first (a copy: the caller may remove while walking it). */
    List<KeyValue<Bytes, Parked>> inOrder() {
        final List<KeyValue<Bytes, Parked>> all = new ArrayList<>();
        try (KeyValueIterator<Bytes, Parked> it = store.all()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }

    void remove(final Bytes key) {
        if (store.delete(key) != null) {
            count--;
        }
    }

    private static Bytes key(final long offset) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(offset).array()); // big-endian: byte order is offset order
    }

    static Serde<Parked> serde() {
        final Serializer<Parked> ser = (topic, p) -> p == null ? null : toBytes(p);
        final Deserializer<Parked> de = (topic, b) -> b == null ? null : fromBytes(b);
        return Serdes.serdeFrom(ser, de);
    }

    private static byte[] toBytes(final Parked p) {
        final DeadLetters.Source s = p.source();
        final byte[] topic = s.topic().getBytes(StandardCharsets.UTF_8);
        final List<byte[]> headerParts = new ArrayList<>();
        int size = 1 + 8 + 4 + topic.length + 4 + 8 + 8 + 4 + length(s.key()) + 4 + length(s.value()) + 4;
        for (final Header h : s.headers()) {
            final byte[] k = h.key().getBytes(StandardCharsets.UTF_8);
            headerParts.add(k);
            headerParts.add(h.value());
            size += 8 + k.length + length(h.value());
        }
        final ByteBuffer buf = ByteBuffer.allocate(size).put(FORMAT).putLong(p.parkedAt());
        putBytes(buf, topic);
        buf.putInt(s.partition()).putLong(s.offset()).putLong(s.timestamp());
        putBytes(buf, s.key());
        putBytes(buf, s.value());
        buf.putInt(headerParts.size() / 2);
        headerParts.forEach(b -> putBytes(buf, b));
        return buf.array();
    }

    private static Parked fromBytes(final byte[] bytes) {
        try {
            final ByteBuffer buf = ByteBuffer.wrap(bytes);
            if (buf.get() != FORMAT) {
                throw new SerializationException("unknown format of a record awaiting the registry");
            }
            final long parkedAt = buf.getLong();
            final String topic = new String(getBytes(buf), StandardCharsets.UTF_8);
            final int partition = buf.getInt();
            final long offset = buf.getLong();
            final long timestamp = buf.getLong();
            final byte[] key = getBytes(buf);
            final byte[] value = getBytes(buf);
            final int headerCount = buf.getInt();
            final RecordHeaders headers = new RecordHeaders();
            for (int i = 0; i < headerCount; i++) {
                headers.add(new String(getBytes(buf), StandardCharsets.UTF_8), getBytes(buf));
            }
            return new Parked(
                    new DeadLetters.Source(topic, partition, offset, timestamp, key, value, headers), parkedAt);
        } catch (final RuntimeException e) {
            throw new SerializationException("corrupt record awaiting the registry (" + bytes.length + " bytes)");
        }
    }

    private static int length(final byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static void putBytes(final ByteBuffer buf, final byte[] b) {
        if (b == null) {
            buf.putInt(-1);
        } else {
            buf.putInt(b.length).put(b);
        }
    }

    private static byte[] getBytes(final ByteBuffer buf) {
        final int n = buf.getInt();
        if (n < 0) {
            return null;
        }
        if (n > buf.remaining()) {
            throw new SerializationException("bad length");
        }
        final byte[] b = new byte[n];
        buf.get(b);
        return b;
    }
}
