package dev.rotor.detection;

import static dev.rotor.detection.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.RotationCommand;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A command's trigger metadata keeps the sender's key order through the repartition and the output serde, so the
 * notification's "Additional Details" list it as the original implementation did (repository, commit_sha, file_path).
 */
class MetadataKeyOrderTest {
    /** The original's example order, plus keys that a HashMap iterates in another order. */
    static final List<String> SENDER_ORDER = List.of("repository", "commit_sha", "file_path", "zeta", "alpha", "mid");

    @ParameterizedTest
    @ValueSource(strings = {"json", "avro"})
    void aCommandListsTheEventsMetadataInTheOrderTheSenderWroteIt(final String format) {
        assertThat(List.copyOf(new HashMap<>(ordered()).keySet()))
                .as("a HashMap would reorder these keys")
                .isNotEqualTo(SENDER_ORDER);
        final Events e = event("api_key_exposed", "critical")
                .id("order-1")
                .at(DetectionDriver.NOW)
                .paths("secret/prod/api-key");
        SENDER_ORDER.forEach(k -> e.meta(k, "v-" + k));

        try (DetectionDriver d = new DetectionDriver(Map.of(
                "rotor.output.format", format, "kafka.schema.registry.url", "mock://metadata-order-" + format))) {
            d.send(e);
            final List<KeyValue<String, RotationCommand>> commands = d.commands();

            assertThat(commands).hasSize(1);
            assertThat(List.copyOf(
                            commands.get(0).value.getTrigger().getMetadata().keySet()))
                    .isEqualTo(SENDER_ORDER);
        }
    }

    static Map<String, String> ordered() {
        final Map<String, String> m = new LinkedHashMap<>();
        SENDER_ORDER.forEach(k -> m.put(k, "v-" + k));
        return m;
    }
}
