package dev.rotor.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Loads an {@link EventMix} into a topic as fast as the broker takes it: one producer per thread, each owning a fixed
 * set of partitions (so each partition stays in event-time order), batching with linger, no compression.
 */
final class EventLoader {
    private EventLoader() {}

    /** Producer settings for bulk loading. */
    static Map<String, Object> bulkProducer(final String bootstrap) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    /** Produces every event of {@code mix} to {@code topic}; returns events/s of the whole load (acknowledged). */
    static double load(
            final String bootstrap, final String topic, final int partitions, final EventMix mix, final int threads)
            throws InterruptedException {
        final AtomicLong acked = new AtomicLong();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        final long start = System.nanoTime();
        try (Progress ignored = Progress.start("loading " + topic, mix.count(), acked::get)) {
            final List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int self = t;
                final Thread w = new Thread(
                        () -> {
                            try (KafkaProducer<byte[], byte[]> producer =
                                    new KafkaProducer<>(bulkProducer(bootstrap))) {
                                for (int i = 0; i < mix.count() && failure.get() == null; i++) {
                                    final int partition = i % partitions;
                                    if (partition % threads != self) {
                                        continue;
                                    }
                                    producer.send(
                                            new ProducerRecord<>(topic, partition, mix.time(i), null, mix.json(i)),
                                            (md, e) -> {
                                                if (e != null) {
                                                    failure.compareAndSet(null, e);
                                                } else {
                                                    acked.incrementAndGet();
                                                }
                                            });
                                }
                                producer.flush();
                            }
                        },
                        "bench-loader-" + t);
                workers.add(w);
                w.start();
            }
            for (final Thread w : workers) {
                w.join();
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "loading the events failed: " + failure.get().getMessage(), failure.get());
        }
        return mix.count() / ((System.nanoTime() - start) / 1e9);
    }
}
