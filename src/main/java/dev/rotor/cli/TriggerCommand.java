package dev.rotor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.Durations;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.topics.Producers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rotor trigger}: publishes a manual_trigger event, and with {@code --wait} prints the results. */
@Command(
        name = "trigger",
        description = "Publish a manual_trigger event for one or more secrets (manual triggers always rotate).")
public final class TriggerCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--path",
            paramLabel = "PATH",
            required = true,
            description = "secret path, e.g. secret/prod/api-key (repeatable)")
    List<String> paths;

    @Option(
            names = "--reason",
            paramLabel = "TEXT",
            defaultValue = "manual rotation requested with rotor trigger",
            description = "why (becomes the event's description)")
    String reason;

    @Option(
            names = "--threat",
            paramLabel = "LEVEL",
            defaultValue = "critical",
            description = "low, medium, high or critical")
    String threat;

    @Option(names = "--wait", description = "wait for the rotation results and print them")
    boolean waitForResults;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", description = "how long --wait waits")
    String timeout;

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() throws Exception {
        final RotorConfig cfg = client.load();
        final Duration wait = Durations.parse(timeout);
        final String eventId = "manual-" + UUID.randomUUID();
        final byte[] event = manualTrigger(eventId, paths, reason, threat);
        try (Outputs outputs =
                waitForResults ? new Outputs(cfg, List.of(cfg.topics().rotationResults())) : null) {
            try (KafkaProducer<byte[], byte[]> producer = Producers.bytes(cfg)) {
                producer.send(new ProducerRecord<>(
                                cfg.topics().securityEvents(), eventId.getBytes(StandardCharsets.UTF_8), event))
                        .get();
            }
            System.out.printf("sent manual_trigger %s for %d secret(s)%n", eventId, paths.size());
            if (outputs == null) {
                return RotorCommand.EXIT_OK;
            }
            final Map<String, String> expected = new LinkedHashMap<>();
            paths.forEach(
                    p -> expected.put(DetectionTopology.commandId(eventId, p.startsWith("/") ? p.substring(1) : p), p));
            final Map<String, RotationResult> results = new LinkedHashMap<>();
            final long until = System.nanoTime() + wait.toNanos();
            while (results.size() < expected.size() && System.nanoTime() < until) {
                outputs.poll(Duration.ofMillis(200), (topic, value) -> {
                    final RotationResult r = outputs.decode(value, RotationResult.class);
                    if (expected.containsKey(r.getCommandId())) {
                        results.put(r.getCommandId(), r);
                        System.out.println(line(r));
                    }
                });
            }
            if (results.size() < expected.size()) {
                System.out.printf(
                        "no result within %s for %d secret(s); is rotor running?%n",
                        timeout, expected.size() - results.size());
                return RotorCommand.EXIT_RUNTIME;
            }
            return results.values().stream().allMatch(RotationResult::getSuccess)
                    ? RotorCommand.EXIT_OK
                    : RotorCommand.EXIT_RUNTIME;
        }
    }

    static String line(final RotationResult r) {
        final String versions = r.getOldVersion() == null ? "" : " v" + r.getOldVersion() + " -> v" + r.getNewVersion();
        return String.format(
                "%-40s %-17s %-22s %5d ms%s%s",
                r.getSecretPath(),
                r.getStatus(),
                r.getStrategy(),
                r.getDurationMs(),
                versions,
                r.getError() == null ? "" : "  " + r.getError());
    }

    static byte[] manualTrigger(
            final String eventId, final List<String> paths, final String reason, final String threat) {
        final ObjectNode e = JSON.createObjectNode();
        e.put("event_id", eventId);
        e.put("event_type", "manual_trigger");
        e.put("threat_level", threat);
        e.put("description", reason);
        paths.forEach(e.putArray("affected_resources")::add);
        e.put("timestamp", Instant.now().toString());
        e.putObject("metadata").put("requested_by", System.getProperty("user.name", "unknown"));
        return e.toString().getBytes(StandardCharsets.UTF_8);
    }
}
