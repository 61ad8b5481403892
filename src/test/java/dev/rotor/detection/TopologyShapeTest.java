package dev.rotor.detection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.topics.Topics;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** The shape Kafka Streams gives detection: decoding and the rules are separate sub-topologies (separate tasks). */
class TopologyShapeTest {
    @Test
    void decodingAndRulesAreSeparateSubTopologiesJoinedOnlyByTheRepartition() {
        final RotorConfig config = ConfigLoader.defaults(Map.of("rotor.output.format", "json"));
        final Topics topics = new Topics(config);
        final StreamsBuilder builder = new StreamsBuilder();
        DetectionTopology.build(builder, config, topics);
        final Properties props = StreamsSettings.forApplication(config, topics, DetectionTopology.APPLICATION_ID);

        final TopologyDescription d = builder.build(props).describe();

        assertThat(d.subtopologies()).hasSize(2);
        assertThat(d.subtopologies()).anySatisfy(s -> assertThat(s.nodes()).extracting(TopologyDescription.Node::name)
                .contains("decode-security-events", "write-decoded-audit").doesNotContain("apply-detection-rules"));
        assertThat(d.subtopologies()).anySatisfy(s -> assertThat(s.nodes()).extracting(TopologyDescription.Node::name)
                .contains("apply-detection-rules", "write-rotation-commands", "write-decided-audit")
                .doesNotContain("decode-security-events"));
    }
}
