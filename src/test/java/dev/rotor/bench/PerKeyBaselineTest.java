package dev.rotor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.streams.StuckRecords;
import dev.rotor.streams.Telemetry;
import dev.rotor.testing.TestDirs;
import dev.rotor.topics.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Baseline (b3) decides as rotor's detection does: the rules on small cases, and the same commands as rotor's own
 * topology on the bench mix (so c/b3 compares equal work).
 */
class PerKeyBaselineTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IN = "events";
    private static final String OUT = "commands";

    private final RotorConfig config = ConfigLoader.defaults(
            Map.of("rotor.output.format", "json", "kafka.schema.registry.url", "mock://per-key-test"));
    private final PerKeyCounters counters = new PerKeyCounters();
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
    }

    private static Properties props() throws IOException {
        final Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "per-key-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, TestDirs.fresh("ttd", "per-key-").toString());
        return p;
    }

    private TopologyTestDriver perKey() throws IOException {
        final Properties p = props();
        final TopologyTestDriver d =
                new TopologyTestDriver(PerKeyBaselineTopology.build(IN, OUT, config.detection(), counters, p), p, NOW);
        drivers.add(d);
        return d;
    }

    private static byte[] event(
            final String id,
            final String type,
            final String level,
            final String path,
            final Instant at,
            final String metadata) {
        return ("{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"threat_level\":\"" + level
                        + "\",\"description\":\"d\",\"affected_resources\":[\"" + path + "\"],\"timestamp\":\"" + at
                        + "\""
                        + (metadata == null ? "" : ",\"metadata\":" + metadata) + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<JsonNode> commands(final TopologyTestDriver d) throws IOException {
        final TestOutputTopic<String, byte[]> out = d.createOutputTopic(
                OUT, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final List<JsonNode> list = new ArrayList<>();
        for (final byte[] v : out.readValuesToList()) {
            list.add(JSON.readTree(v));
        }
        return list;
    }

    private static TestInputTopic<byte[], byte[]> input(final TopologyTestDriver d) {
        return d.createInputTopic(
                IN, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
    }

    @Test
    void tenFailedLoginsWithinFifteenMinutesGiveOneCommandAndNineGiveNone() throws IOException {
        final TopologyTestDriver d = perKey();
        final TestInputTopic<byte[], byte[]> in = input(d);
        final Instant t0 = NOW.minus(Duration.ofMinutes(20));
        for (int i = 0; i < 9; i++) {
            in.pipeInput(event("a" + i, "failed_auth_spike", "medium", "secret/a", t0.plusSeconds(90L * i), null));
            in.pipeInput(event("b" + i, "failed_auth_spike", "medium", "secret/b", t0.plusSeconds(90L * i), null));
        }
        in.pipeInput(event("a9", "failed_auth_spike", "medium", "secret/a", t0.plusSeconds(14 * 60), null));
        // secret/b's tenth comes 16 minutes after its first: no 15-minute window holds ten
        in.pipeInput(event("b9", "failed_auth_spike", "medium", "secret/b", t0.plusSeconds(16 * 60 + 30), null));

        final List<JsonNode> commands = commands(d);
        assertThat(commands).hasSize(1);
        assertThat(commands.get(0).path("secret_path").asText()).isEqualTo("secret/a");
        assertThat(commands.get(0).path("rule").asText()).isEqualTo("failed-auth-threshold");
        assertThat(commands.get(0).path("event_id").asText()).isEqualTo("a9");
    }

    @Test
    void oneEventWeighingFifteenRotatesAtOnce() throws IOException {
        final TopologyTestDriver d = perKey();
        input(d).pipeInput(event("w", "failed_auth_spike", "low", "secret/w", NOW, "{\"failed_count\":15}"));
        assertThat(commands(d)).extracting(c -> c.path("secret_path").asText()).containsExactly("secret/w");
    }

    @Test
    void aSecondCriticalEventWithinTheCooldownIsSuppressedButAManualTriggerIsNot() throws IOException {
        final TopologyTestDriver d = perKey();
        final TestInputTopic<byte[], byte[]> in = input(d);
        in.pipeInput(event("c1", "leaked_credential", "critical", "secret/k", NOW, null));
        in.pipeInput(event("c2", "api_key_exposed", "high", "secret/k", NOW, null));
        in.pipeInput(event("m1", "manual_trigger", "low", "secret/k", NOW, null));

        assertThat(commands(d))
                .extracting(c -> c.path("rule").asText())
                .containsExactly("critical-threat", "manual-trigger");
        assertThat(counters.suppressed.get()).isEqualTo(1);
    }

    @Test
    void aLateEventIsNotCountedAndAResentEventCountsOnce() throws IOException {
        final TopologyTestDriver d = perKey();
        final TestInputTopic<byte[], byte[]> in = input(d);
        in.pipeInput(event("n", "failed_auth_spike", "medium", "secret/l", NOW, null));
        in.pipeInput(event("old", "failed_auth_spike", "medium", "secret/l", NOW.minus(Duration.ofMinutes(2)), null));
        for (int i = 0; i < 9; i++) {
            in.pipeInput(event("same", "failed_auth_spike", "medium", "secret/l", NOW, null));
        }
        assertThat(commands(d)).isEmpty();
        assertThat(counters.late.get()).isEqualTo(1);
        assertThat(counters.duplicates.get()).isEqualTo(8);
    }

    @Test
    void eventsThatAskForNothingOrCannotBeReadGiveNothing() throws IOException {
        final TopologyTestDriver d = perKey();
        final TestInputTopic<byte[], byte[]> in = input(d);
        in.pipeInput(event("x", "suspicious_access", "high", "secret/x", NOW, null));
        in.pipeInput("not json".getBytes(StandardCharsets.UTF_8));
        // no affected secret
        in.pipeInput(
                ("{\"event_type\":\"leaked_credential\",\"threat_level\":\"critical\",\"timestamp\":\"" + NOW + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(commands(d)).isEmpty();
        assertThat(counters.ignored.get()).isEqualTo(3);
    }

    @Test
    void onTheBenchMixItIssuesTheSameCommandsAsRotorsDetection() throws IOException {
        final EventMix mix =
                EventMix.generate(20_000, NOW.minus(Duration.ofMinutes(31)).toEpochMilli(), 42, "t");

        final TopologyTestDriver b3 = perKey();
        final TestInputTopic<byte[], byte[]> b3In = input(b3);
        final Topics topics = new Topics(config);
        final StreamsBuilder builder = new StreamsBuilder();
        DetectionTopology.build(builder, config, topics);
        final Properties p =
                DetectionTopology.streamsProperties(config, topics, Telemetry.NONE, new StuckRecords(Telemetry.NONE));
        p.putAll(props());
        final TopologyTestDriver rotor = new TopologyTestDriver(builder.build(p), p, NOW);
        drivers.add(rotor);
        final TestInputTopic<byte[], byte[]> rotorIn = rotor.createInputTopic(
                config.topics().securityEvents(),
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer());
        for (int i = 0; i < mix.count(); i++) {
            b3In.pipeInput(null, mix.json(i), mix.time(i));
            rotorIn.pipeInput(null, mix.json(i), mix.time(i));
        }
        final TreeMap<String, Integer> perKeyCommands = new TreeMap<>();
        commands(b3).forEach(c -> perKeyCommands.merge(c.path("secret_path").asText(), 1, Integer::sum));
        final TreeMap<String, Integer> rotorCommands = new TreeMap<>();
        rotor.createOutputTopic(
                        config.topics().rotationCommands(),
                        Serdes.String().deserializer(),
                        Serdes.ByteArray().deserializer())
                .readKeyValuesToList()
                .forEach(kv -> rotorCommands.merge(kv.key, 1, Integer::sum));

        assertThat(perKeyCommands).isEqualTo(rotorCommands);
        assertThat(perKeyCommands.keySet()).containsAll(ThroughputScenario.expectedCommands(mix, config.detection()));
    }
}
