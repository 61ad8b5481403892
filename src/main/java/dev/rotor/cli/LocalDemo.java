package dev.rotor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.RotorConfig;
import dev.rotor.topics.Producers;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code rotor local --demo}: sends the original implementation's five examples as JSON events to security-events,
 * prints each decision and rotation about their secrets as it happens, then a table of the results. It only produces
 * and consumes: the rotor it talks to is whatever runs on the configured cluster.
 */
final class LocalDemo {
    /** How long the demo waits for the examples' results. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** After the last result, how long decisions still arriving are printed. */
    private static final Duration DRAIN = Duration.ofMillis(500);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One example: its name in the table, the secrets it should rotate, its events. */
    record Example(String name, List<String> paths, List<byte[]> events) {}

    private final RotorConfig cfg;
    private final PrintStream out;

    LocalDemo(final RotorConfig cfg, final PrintStream out) {
        this.cfg = cfg;
        this.out = out;
    }

    /** Plays the examples; true when every secret they name was rotated within {@link #TIMEOUT}. */
    boolean play() {
        final List<Example> examples = examples(Instant.now());
        final Set<String> demoPaths = new LinkedHashSet<>();
        examples.forEach(e -> demoPaths.addAll(e.paths()));
        final Map<String, RotationResult> results = new LinkedHashMap<>();
        out.println("Playing the demo:");
        try (Outputs outputs = new Outputs(
                        cfg, List.of(cfg.topics().rotationAudit(), cfg.topics().rotationResults()));
                KafkaProducer<byte[], byte[]> producer = Producers.bytes(cfg)) {
            send(producer, examples);
            follow(outputs, demoPaths, results);
        }
        printTable(examples, demoPaths, results);
        return results.size() == demoPaths.size() && results.values().stream().allMatch(RotationResult::getSuccess);
    }

    /** The original implementation's examples, stamped around {@code now}. */
    static List<Example> examples(final Instant now) {
        final List<Example> examples = new ArrayList<>();
        examples.add(example(
                "manual trigger",
                List.of("secret/prod/manual"),
                new Event("demo-manual", "manual_trigger", "low", "operator asked for a rotation", Map.of()),
                now));
        examples.add(example(
                "API key exposed",
                List.of("secret/prod/api-key"),
                new Event(
                        "demo-api-key",
                        "api_key_exposed",
                        "critical",
                        "API key found in public GitHub repository",
                        Map.of("repository", "acme/website")),
                now));
        examples.add(example(
                "brute force",
                List.of("secret/prod/admin"),
                new Event(
                        "demo-brute-force",
                        "brute_force_attack",
                        "high",
                        "Brute force attack detected on admin account",
                        Map.of("attempt_count", "150")),
                now));
        examples.add(example(
                "multiple secrets",
                List.of("secret/prod/aws-keys", "secret/prod/stripe-key", "secret/prod/slack-token"),
                new Event(
                        "demo-multiple",
                        "leaked_credential",
                        "critical",
                        "Multiple credentials leaked in a public paste",
                        Map.of()),
                now));
        final List<String> login = List.of("secret/prod/login-service");
        final List<byte[]> failures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            final Event failure = new Event(
                    "demo-failed-auth-" + i,
                    "failed_auth_spike",
                    "medium",
                    "failed login for svc-login",
                    Map.of("failed_count", "1"));
            failures.add(failure.json(now.minus(Duration.ofSeconds(5L * (9 - i))), login));
        }
        examples.add(new Example("failed-auth spike (10 events)", login, failures));
        return examples;
    }

    private void send(final KafkaProducer<byte[], byte[]> producer, final List<Example> examples) {
        for (final Example e : examples) {
            out.printf("  -> %s: %d event(s)%n", e.name(), e.events().size());
            for (final byte[] ev : e.events()) {
                producer.send(new ProducerRecord<>(cfg.topics().securityEvents(), ev), (md, failed) -> {
                    if (failed != null) {
                        out.printf("     could not send an event of %s: %s%n", e.name(), failed);
                    }
                });
            }
        }
        producer.flush();
    }

    /** Prints decisions and rotations about {@code demoPaths} until each has a result (or the timeout). */
    private void follow(final Outputs outputs, final Set<String> demoPaths, final Map<String, RotationResult> results) {
        final long until = System.nanoTime() + TIMEOUT.toNanos();
        long drainUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(until, drainUntil)) {
            if (results.size() == demoPaths.size() && drainUntil == Long.MAX_VALUE) {
                drainUntil = System.nanoTime() + DRAIN.toNanos();
            }
            outputs.poll(Duration.ofMillis(100), (topic, value) -> {
                if (topic.equals(cfg.topics().rotationResults())) {
                    final RotationResult r = outputs.decode(value, RotationResult.class);
                    if (demoPaths.contains(r.getSecretPath())) {
                        results.put(r.getSecretPath(), r);
                        out.println(ConsoleFormat.rotation(r));
                    }
                } else {
                    final AuditRecord a = outputs.decode(value, AuditRecord.class);
                    if (a.getSecretPath() != null
                            && demoPaths.contains(a.getSecretPath())
                            && a.getDecision().compareTo(AuditDecision.ROTATION_STARTED) < 0) {
                        out.println(ConsoleFormat.decision(a));
                    }
                }
            });
        }
    }

    private void printTable(
            final List<Example> examples, final Set<String> demoPaths, final Map<String, RotationResult> results) {
        out.println();
        out.println(ConsoleFormat.tableHeader());
        for (final Example e : examples) {
            for (final String p : e.paths()) {
                out.println(ConsoleFormat.tableRow(e.name(), p, results.get(p)));
            }
        }
        out.printf(
                "%n%d of %d secrets rotated%n",
                results.values().stream().filter(RotationResult::getSuccess).count(), demoPaths.size());
    }

    private static Example example(final String name, final List<String> paths, final Event event, final Instant at) {
        return new Example(name, paths, List.of(event.json(at, paths)));
    }

    /** A security event of the examples, without its time and secrets. */
    private record Event(String id, String type, String level, String description, Map<String, String> metadata) {
        byte[] json(final Instant at, final List<String> paths) {
            final ObjectNode e = JSON.createObjectNode();
            e.put("event_id", id + "-" + at.toEpochMilli());
            e.put("event_type", type);
            e.put("threat_level", level);
            e.put("description", description);
            final ArrayNode resources = e.putArray("affected_resources");
            paths.forEach(resources::add);
            e.put("source_ip", "203.0.113.50");
            e.put("timestamp", at.toString());
            final ObjectNode m = e.putObject("metadata");
            metadata.forEach(m::put);
            return e.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
