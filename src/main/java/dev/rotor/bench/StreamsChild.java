package dev.rotor.bench;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionStatistics;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The measured Kafka Streams application of a throughput run, in its own JVM (so its peak RSS is its own):
 *
 * <pre>
 * java -Xmx256m -cp rotor.jar dev.rotor.bench.StreamsChild rotor|baseline|per-key APP_ID READY_FILE key=value...
 * </pre>
 *
 * {@code rotor}: rotor's detection topology ({@link DetectionTopology#build}) with rotor's own Streams settings
 * ({@link StreamsSettings#forApplication}) and the configuration built by {@link ConfigLoader} from the key=value
 * overrides, exactly as {@code rotor run --role detection} builds it, except for the application id (fresh per run, so
 * each run starts from offset zero with empty state). {@code baseline}: {@link BaselineTopology} with its
 * {@code bench.input}/{@code bench.output} topics and {@code kafka.*} properties (b and b2). {@code per-key}:
 * {@link PerKeyBaselineTopology} (b3) reading {@code bench.input}, writing commands to {@code bench.output}, with the
 * detection settings and Kafka Streams properties rotor's configuration gives for the same overrides, less the
 * dead-letter wiring. Writes the wall-clock time into READY_FILE when the client first reaches RUNNING; closes on
 * SIGTERM.
 */
public final class StreamsChild {
    private StreamsChild() {}

    /**
     * What the run did besides its throughput, written before closing: records Kafka Streams dropped (late for the
     * baseline's windows) and, for rotor, its own counters from the decision-statistics store (late events, rotations,
     * suppressed), so the reader can see how much work each side skipped.
     */
    private static void writeStatistics(
            final KafkaStreams streams, final boolean rotor, final PerKeyCounters perKey, final Path file) {
        final Properties out = new Properties();
        double dropped = 0;
        for (final var m : streams.metrics().entrySet()) {
            if (m.getKey().name().equals("dropped-records-total")
                    && m.getKey().group().equals("stream-task-metrics")
                    && m.getValue().metricValue() instanceof Number n) {
                dropped += n.doubleValue();
            }
        }
        out.setProperty("dropped_records", Long.toString((long) dropped));
        if (perKey != null) {
            perKey.snapshot().forEach((k, v) -> out.setProperty(k, Long.toString(v)));
        }
        if (rotor) {
            try {
                final ReadOnlyKeyValueStore<String, Long> store = streams.store(StoreQueryParameters.fromNameAndType(
                        DetectionStatistics.DECISION_STATISTICS_STORE,
                        QueryableStoreTypes.<String, Long>keyValueStore()));
                DetectionStatistics.addTo(new TreeMap<>(), store)
                        .forEach((k, v) -> out.setProperty(k, Long.toString(v)));
            } catch (final RuntimeException e) {
                out.setProperty("statistics_error", e.getClass().getSimpleName());
            }
        }
        try (var w = Files.newBufferedWriter(file)) {
            out.store(w, "bench child statistics");
        } catch (final IOException e) {
            System.err.println("cannot write " + file + ": " + e);
        }
    }

    public static void main(final String[] args) throws Exception {
        final String mode = args[0];
        final String applicationId = args[1];
        final Path ready = Path.of(args[2]);
        final Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            final int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        final Topology topology;
        final Properties props;
        final PerKeyCounters perKey = mode.equals("per-key") ? new PerKeyCounters() : null;
        if (perKey != null) {
            final Map<String, String> rotorSettings = new LinkedHashMap<>(settings);
            rotorSettings.keySet().removeIf(k -> k.startsWith("bench."));
            final RotorConfig config = ConfigLoader.load(Optional.empty(), Map.of(), rotorSettings);
            props = PerKeyBaselineTopology.streamsSettings(
                    StreamsSettings.forApplication(config, new Topics(config), applicationId));
            topology = PerKeyBaselineTopology.build(
                    settings.get("bench.input"), settings.get("bench.output"), config.detection(), perKey, props);
        } else if (mode.equals("rotor")) {
            final RotorConfig config = ConfigLoader.load(Optional.empty(), Map.of(), settings);
            final Topics topics = new Topics(config);
            final StreamsBuilder builder = new StreamsBuilder();
            DetectionTopology.build(builder, config, topics);
            props = StreamsSettings.forApplication(config, topics, applicationId);
            // the bench names this child's group whole (it watches that group's lag): no rotor.application-id-prefix
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            topology = builder.build(props);
        } else {
            props = new Properties();
            settings.forEach((k, v) -> {
                if (k.startsWith("kafka.")) {
                    props.put(k.substring("kafka.".length()), v);
                }
            });
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
            topology = BaselineTopology.build(settings.get("bench.input"), settings.get("bench.output"), props);
        }
        System.out.println(topology.describe());
        final KafkaStreams streams = new KafkaStreams(topology, props);
        final CountDownLatch stopped = new CountDownLatch(1);
        final AtomicBoolean announced = new AtomicBoolean();
        streams.setStateListener((now, before) -> {
            System.out.println("state " + before + " -> " + now);
            if (now == KafkaStreams.State.RUNNING && announced.compareAndSet(false, true)) {
                try {
                    final Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
                    Files.writeString(tmp, Long.toString(System.currentTimeMillis()));
                    Files.move(tmp, ready);
                } catch (final IOException e) {
                    System.err.println("cannot write " + ready + ": " + e);
                }
            }
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        final boolean rotor = mode.equals("rotor");
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            writeStatistics(
                                    streams, rotor, perKey, ready.resolveSibling(ready.getFileName() + ".stats"));
                            streams.close(Duration.ofSeconds(20));
                            stopped.countDown();
                        },
                        "bench-child-stop"));
        streams.start();
        stopped.await();
    }
}
