package dev.rotor.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.config.ConfigException;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.rotation.RotationTopology;
import dev.rotor.topics.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.internals.ClientUtils;
import org.junit.jupiter.api.Test;

class StreamsSettingsTest {
    @SuppressWarnings("deprecation") // deprecated in Kafka 4.3 because 5.0 makes it the default; rotor sets it
    private static final String GLOBAL_HANDLER = StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG;

    private static RotorConfig config(final Map<String, String> overrides) {
        final Map<String, String> all =
                new HashMap<>(Map.of("rotor.output.format", "json", "kafka.bootstrap.servers", "localhost:9092"));
        all.putAll(overrides);
        return ConfigLoader.defaults(all);
    }

    private static Properties props(final RotorConfig config, final String baseName) {
        return StreamsSettings.forApplication(config, new Topics(config), baseName);
    }

    @Test
    void withoutAPrefixTheApplicationIdsAreTheBaseNames() {
        final RotorConfig c = config(Map.of());

        assertThat(props(c, DetectionTopology.APPLICATION_ID).get(StreamsConfig.APPLICATION_ID_CONFIG))
                .isEqualTo("rotor-detection");
        assertThat(props(c, RotationTopology.APPLICATION_ID).get(StreamsConfig.APPLICATION_ID_CONFIG))
                .isEqualTo("rotor-executor");
    }

    @Test
    void thePrefixPrecedesBothApplicationIdsAndSoTheirGroupsAndInternalTopics() {
        final RotorConfig c = config(Map.of("rotor.application-id-prefix", "shadow-"));
        final StreamsConfig detection = new StreamsConfig(props(c, DetectionTopology.APPLICATION_ID));

        assertThat(detection.getString(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("shadow-rotor-detection");
        assertThat(props(c, RotationTopology.APPLICATION_ID).get(StreamsConfig.APPLICATION_ID_CONFIG))
                .isEqualTo("shadow-rotor-executor");
        // the consumer group is the application id, so the shadow never joins production's group
        assertThat(detection.getMainConsumerConfigs("shadow-rotor-detection", "c", 0))
                .containsEntry("group.id", "shadow-rotor-detection");
        assertThat(c.applicationId(DetectionTopology.APPLICATION_ID)).isEqualTo("shadow-rotor-detection");
    }

    /** The producer rotor's stream threads use retries a transaction's requests after 10 ms, not Kafka's 100 ms. */
    @Test
    void theStreamsProducerRetriesSoonAndCanBeOverridden() {
        final StreamsConfig defaults = new StreamsConfig(props(config(Map.of()), DetectionTopology.APPLICATION_ID));
        assertThat(defaults.getProducerConfigs("p"))
                .containsEntry("retry.backoff.ms", 10)
                .doesNotContainKey("retry.backoff.max.ms");

        final StreamsConfig overridden = new StreamsConfig(
                props(config(Map.of("kafka.producer.retry.backoff.ms", "50")), DetectionTopology.APPLICATION_ID));
        assertThat(overridden.getProducerConfigs("p").get("retry.backoff.ms")).hasToString("50");
    }

    /**
     * Both clients commit every 15 ms (Kafka's exactly-once default is 100): a trigger waits for three commits on its
     * way to a result (docs/decisions.md, "Steady-state latency, and a 15 ms commit interval").
     */
    @Test
    void bothClientsCommitEvery15MillisecondsUnlessTheOperatorSaysOtherwise() {
        for (final String client : new String[] {DetectionTopology.APPLICATION_ID, RotationTopology.APPLICATION_ID}) {
            assertThat(new StreamsConfig(props(config(Map.of()), client))
                            .getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG))
                    .as(client)
                    .isEqualTo(15L);
        }
        final StreamsConfig overridden = new StreamsConfig(
                props(config(Map.of("kafka.commit.interval.ms", "100")), DetectionTopology.APPLICATION_ID));
        assertThat(overridden.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100L);
    }

    @Test
    void anApplicationIdPrefixThatCannotNameATopicIsAConfigurationError() {
        for (final String bad : new String[] {"shadow/", "sha dow", "x".repeat(101), "prod:"}) {
            assertThatThrownBy(() -> config(Map.of("rotor.application-id-prefix", bad)))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("rotor.application-id-prefix: ");
        }
    }

    @Test
    void thePartitionAssignorsCopyOfTheConfigKeepsTheGlobalProcessingHandlerEnabled() {
        // Kafka Streams' assignor builds a StreamsConfig from the main consumer's properties; without the setting
        // there it warns "Processing exception handler is not enabled for the GlobalThread" at every start
        final StreamsConfig client = new StreamsConfig(props(config(Map.of()), DetectionTopology.APPLICATION_ID));
        final Map<String, Object> consumer = client.getMainConsumerConfigs("rotor-detection", "c", 0);

        final StreamsConfig assignorCopy = new ClientUtils.QuietStreamsConfig(consumer);

        assertThat(client.getBoolean(GLOBAL_HANDLER)).isTrue();
        assertThat(assignorCopy.getBoolean(GLOBAL_HANDLER)).isTrue();
    }

    @Test
    void anOperatorWhoTurnsTheGlobalHandlerOffTurnsItOffInTheAssignorsCopyToo() {
        final StreamsConfig client = new StreamsConfig(props(
                config(Map.of("kafka.processing.exception.handler.global.enabled", "false")),
                DetectionTopology.APPLICATION_ID));

        final StreamsConfig assignorCopy =
                new ClientUtils.QuietStreamsConfig(client.getMainConsumerConfigs("rotor-detection", "c", 0));

        assertThat(assignorCopy.getBoolean(GLOBAL_HANDLER)).isFalse();
    }
}
