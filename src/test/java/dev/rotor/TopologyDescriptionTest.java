package dev.rotor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.rotation.ExecutorSetup;
import dev.rotor.rotation.RotationTopology;
import dev.rotor.rotation.RotationWorkers;
import dev.rotor.service.RotorTopology;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/**
 * The topologies' {@code describe()}, pinned in golden files under {@code src/test/resources/topology/}, so any change
 * to the flow (a node, a name, a store, a sub-topology) is seen and reviewed. After a deliberate change, regenerate
 * them with {@code mvn test -Dtest=TopologyDescriptionTest -Drotor.topology.update=true} and review the diff.
 */
class TopologyDescriptionTest {
    private static final Path GOLDEN = Path.of("src", "test", "resources", "topology");
    private static final Map<String, String> BASE = Map.of("rotor.output.format", "json");

    private static TopologyDescription detection(final Map<String, String> settings) {
        final RotorConfig config = ConfigLoader.defaults(settings);
        final Topics topics = new Topics(config);
        final StreamsBuilder builder = new StreamsBuilder();
        DetectionTopology.build(builder, config, topics);
        return builder.build(DetectionTopology.streamsProperties(
                        config, topics, Telemetry.NONE, new StuckRecords(Telemetry.NONE)))
                .describe();
    }

    private static TopologyDescription executor() {
        final RotorConfig config = ConfigLoader.defaults(BASE);
        final Topics topics = new Topics(config);
        final StreamsBuilder builder = new StreamsBuilder();
        try (RotationWorkers workers = new RotationWorkers(1)) {
            RotationTopology.build(builder, ExecutorSetup.of(config, topics, request -> null, workers));
            return builder.build(RotationTopology.streamsProperties(
                            config, topics, Telemetry.NONE, new StuckRecords(Telemetry.NONE)))
                    .describe();
        }
    }

    private static void matchesGolden(final TopologyDescription description, final String file) throws IOException {
        final String actual = description.toString();
        final Path golden = GOLDEN.resolve(file);
        if (Boolean.getBoolean("rotor.topology.update")) {
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual)
                .as("%s changed; if deliberate, regenerate with -Drotor.topology.update=true", golden)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @Test
    void detectionReadsLikeItsFlow() throws IOException {
        final TopologyDescription d = detection(BASE);
        assertThat(d.subtopologies())
                .as("decoding and rules, joined only by the repartition")
                .hasSize(2);
        matchesGolden(d, "detection.txt");
    }

    @Test
    void detectionWithAdapterSourcesReadsThemWithTheSameDecoder() throws IOException {
        final TopologyDescription d = detection(Map.of(
                "rotor.output.format",
                "json",
                "rotor.adapters.ocsf.topics",
                "ocsf-events",
                "rotor.adapters.aws.topics",
                "aws-security"));
        assertThat(d.subtopologies()).hasSize(2);
        matchesGolden(d, "detection-with-adapters.txt");
    }

    @Test
    void theExecutorRunsCommandsAndAnnouncesStormsOnce() throws IOException {
        final TopologyDescription d = executor();
        assertThat(d.globalStores())
                .as("every instance reads all operator decisions")
                .hasSize(1);
        assertThat(d.subtopologies())
                .as("the executor, and the storm announcer behind a one-partition topic")
                .hasSize(2);
        matchesGolden(d, "executor.txt");
    }

    @Test
    void theSingleClientDecidesAndExecutesInOneSubTopology() throws IOException {
        final RotorConfig config = ConfigLoader.defaults(BASE);
        final Topics topics = new Topics(config);
        final StreamsBuilder builder = new StreamsBuilder();
        try (RotationWorkers workers = new RotationWorkers(1)) {
            RotorTopology.build(builder, ExecutorSetup.of(config, topics, request -> null, workers));
            final TopologyDescription d = builder.build(RotorTopology.streamsProperties(
                            config, topics, Telemetry.NONE, new StuckRecords(Telemetry.NONE)))
                    .describe();
            assertThat(d.subtopologies())
                    .as("decoding; rules and executor; the storm announcer")
                    .hasSize(3);
            matchesGolden(d, "single-client.txt");
        }
    }
}
