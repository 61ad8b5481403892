package dev.rotor.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SlidingWindows;

/**
 * Scenario 1(b): the bare Kafka Streams job a team would write by hand to count failed logins per secret — parse the
 * JSON with Jackson, keep the counted types ({@code failed_auth_spike}, {@code rate_limit_exceeded}), key by each
 * affected path, count in 15-minute {@link SlidingWindows} (grace 1 minute, as rotor's), publish the counts,
 * {@code exactly_once_v2}, Kafka Streams' defaults for everything else (one thread, record cache, RocksDB).
 */
public final class BaselineTopology {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration WINDOW = Duration.ofMinutes(15);
    public static final Duration GRACE = Duration.ofMinutes(1);

    private BaselineTopology() {}

    /** Builds the topology; sets {@code exactly_once_v2} in {@code props} unless it names a guarantee. */
    public static Topology build(final String input, final String output, final Properties props) {
        props.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        input,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-events"))
                .flatMap((key, value) -> byPath(value), Named.as("key-by-path"))
                .groupByKey(Grouped.with("events-by-path", Serdes.String(), Serdes.ByteArray()))
                .windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(WINDOW, GRACE))
                .count(Named.as("count-per-path"), Materialized.as("failed-auth-counts"))
                .toStream(Named.as("counts"))
                .map((window, count) -> KeyValue.pair(window.key(), count), Named.as("unwindow"))
                .to(output, Produced.with(Serdes.String(), Serdes.Long()).withName("write-counts"));
        return builder.build(props);
    }

    static List<KeyValue<String, byte[]>> byPath(final byte[] value) {
        final JsonNode event;
        try {
            event = JSON.readTree(value);
        } catch (final IOException e) {
            return List.of();
        }
        if (event == null) {
            return List.of();
        }
        final String type = event.path("event_type").asText("");
        if (!type.equals("failed_auth_spike") && !type.equals("rate_limit_exceeded")) {
            return List.of();
        }
        final List<KeyValue<String, byte[]>> out = new ArrayList<>(1);
        for (final JsonNode path : event.path("affected_resources")) {
            out.add(KeyValue.pair(path.asText(), value));
        }
        return out;
    }
}
