package dev.rotor.faults;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends planned records to {@code security-events} as a SIEM would (plain idempotent producer, {@code acks=all}),
 * either all at once in order or at a steady rate on a background thread, and remembers where each landed (partition,
 * offset), so a record without a usable key can still be found in the DLQ and a lost one can be traced.
 */
final class LoadGenerator implements AutoCloseable {
    /** A record to send; {@code id} names it in reports (it is also its key unless {@code key} says otherwise). */
    @SuppressWarnings("ArrayRecordComponent") // the bytes are sent as they are, never compared
    record Planned(String id, byte[] key, byte[] value) {
        static Planned keyed(final String id, final byte[] value) {
            return new Planned(id, id.getBytes(StandardCharsets.UTF_8), value);
        }

        static Planned unkeyed(final String id, final byte[] value) {
            return new Planned(id, null, value);
        }
    }

    /** Where a sent record is. */
    record Position(int partition, long offset, long sentAtNanos) {}

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Position> positions = new ConcurrentHashMap<>();
    private final AtomicInteger sent = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private Thread steady;

    LoadGenerator(final Map<String, Object> producerProps, final String topic) {
        final Map<String, Object> props = new HashMap<>(producerProps);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_576);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        this.topic = topic;
        this.producer = new KafkaProducer<>(props);
    }

    /** Sends the records in order and waits until each is acknowledged. */
    void sendAll(final List<Planned> records) {
        records.forEach(this::sendAsync);
        producer.flush();
        throwIfFailed();
    }

    /** Sends one record and waits for its acknowledgement. */
    Position send(final Planned record) {
        try {
            final RecordMetadata m = producer.send(new ProducerRecord<>(topic, record.key(), record.value()))
                    .get(60, TimeUnit.SECONDS);
            final Position p = new Position(m.partition(), m.offset(), System.nanoTime());
            positions.put(record.id(), p);
            sent.incrementAndGet();
            return p;
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not send " + record.id(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts sending {@code records} in order, spread evenly over {@code duration}, on a background thread. */
    void startSteady(final List<Planned> records, final Duration duration) {
        final long start = System.nanoTime();
        steady = new Thread(
                () -> {
                    int next = 0;
                    while (next < records.size() && !Thread.currentThread().isInterrupted()) {
                        final double elapsed = (System.nanoTime() - start) / (double) duration.toNanos();
                        final int due = (int) Math.min(records.size(), Math.ceil(records.size() * elapsed));
                        while (next < due) {
                            sendAsync(records.get(next++));
                        }
                        try {
                            Thread.sleep(20);
                        } catch (final InterruptedException e) {
                            return;
                        }
                    }
                    producer.flush();
                },
                "fault-load");
        steady.setDaemon(true);
        steady.start();
    }

    /** Waits for the steady load to be fully sent and acknowledged. */
    void awaitSteady(final Duration atMost) {
        try {
            steady.join(atMost.toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (steady.isAlive()) {
            throw new IllegalStateException("the load was not sent within " + atMost + " (" + sent + " sent)");
        }
        throwIfFailed();
    }

    private void sendAsync(final Planned record) {
        producer.send(new ProducerRecord<>(topic, record.key(), record.value()), (m, e) -> {
            if (e != null) {
                failure.compareAndSet(null, new IllegalStateException("could not send " + record.id(), e));
            } else {
                positions.put(record.id(), new Position(m.partition(), m.offset(), System.nanoTime()));
                sent.incrementAndGet();
            }
        });
    }

    private void throwIfFailed() {
        if (failure.get() != null) {
            throw new IllegalStateException(
                    failure.get().getMessage(), failure.get().getCause());
        }
    }

    /** Acknowledged records. */
    int sent() {
        return sent.get();
    }

    Position positionOf(final String id) {
        return positions.get(id);
    }

    /** The id of the record sent to {@code partition}/{@code offset}, or null. */
    String idAt(final int partition, final long offset) {
        return positions.entrySet().stream()
                .filter(e ->
                        e.getValue().partition() == partition && e.getValue().offset() == offset)
                .map(Map.Entry::getKey)
                .findFirst()
                .orElse(null);
    }

    @Override
    public void close() {
        if (steady != null) {
            steady.interrupt();
        }
        producer.close(Duration.ofSeconds(10));
    }
}
