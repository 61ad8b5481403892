package dev.rotor.detection;

import static dev.rotor.detection.DetectionDriver.NOW;
import static dev.rotor.detection.DetectionDriver.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.ops.RotorMetrics;
import dev.rotor.serde.ConfluentAvroSerde;
import dev.rotor.serde.MockSchemaRegistry;
import dev.rotor.streams.Alarm;
import dev.rotor.streams.DeadLetterHandler;
import dev.rotor.streams.Statistic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Avro input (Confluent wire format) beside JSON on the same topic, and Avro output, against a mock:// registry. */
class DetectionAvroTest {
    private static final String SCOPE = "detection-avro-test";
    private static final Map<String, String> AVRO =
            Map.of("rotor.output.format", "avro", "kafka.schema.registry.url", "mock://" + SCOPE);
    /** Avro input through the registry, JSON output: a registry outage then touches the input only. */
    private static final Map<String, String> AVRO_IN_JSON_OUT =
            Map.of("rotor.output.format", "json", "kafka.schema.registry.url", "mock://" + SCOPE);

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(SCOPE);
    }

    private static byte[] avro(final SecurityEvent event) {
        try (ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class)) {
            serde.configure(Map.of("schema.registry.url", "mock://" + SCOPE), false);
            return serde.serializer().serialize("security-events", event);
        }
    }

    private static SecurityEvent critical(final String id, final String... paths) {
        return SecurityEvent.newBuilder()
                .setEventId(id)
                .setEventType("Leaked_Credential")
                .setThreatLevel(ThreatLevel.critical)
                .setDescription("found in a paste")
                .setAffectedResources(List.of(paths))
                .setTimestamp(NOW.minus(Duration.ofMinutes(1)))
                .setMetadata(Map.of())
                .build();
    }

    @Test
    void avroAndJsonEventsOnTheSameTopicBothRotate() {
        try (DetectionDriver d = new DetectionDriver(AVRO)) {
            d.send(avro(critical("avro-1", "secret/prod/from-avro")));
            d.send(Events.event("leaked_credential", "critical")
                    .id("json-1")
                    .at(NOW.minusSeconds(30))
                    .paths("secret/prod/from-json"));

            final List<KeyValue<String, RotationCommand>> commands = d.commands();
            assertThat(commands)
                    .extracting(kv -> kv.key)
                    .containsExactly("secret/prod/from-avro", "secret/prod/from-json");
            assertThat(commands.get(0).value.getEventType()).isEqualTo("leaked_credential");
            assertThat(d.audits(AuditDecision.ROTATE)).hasSize(2);
        }
    }

    @Test
    void outputsAreRegisteredUnderTopicNameSubjects() {
        try (DetectionDriver d = new DetectionDriver(AVRO)) {
            d.send(avro(critical("avro-1", "secret/prod/x")));
            d.commands();

            final MockSchemaRegistry registry = MockSchemaRegistry.forUrl("mock://" + SCOPE);
            assertThat(registry.latest("rotation-commands-value").schema()).isEqualTo(RotationCommand.getClassSchema());
            assertThat(registry.latest("rotation-audit-value").schema().getName())
                    .isEqualTo("AuditRecord");
        }
    }

    @Test
    void anUnknownSchemaIdGoesToTheDlq() {
        try (DetectionDriver d = new DetectionDriver(AVRO)) {
            final byte[] bytes = avro(critical("x", "secret/a"));
            bytes[4] = 99; // schema id 99 was never registered

            d.send(bytes);
            d.send(avro(critical("after", "secret/after")));

            assertThat(d.deadLetters())
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("UNKNOWN_SCHEMA_ID"));
            assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/after");
        }
    }

    /**
     * The poison pill of the first build: {@code \x00\x00\x00\x00\x07garbage} with no registry reachable failed the
     * task for ever, and every event after it on the partition waited. Now it waits alone and JSON goes on.
     */
    @Test
    void anAvroRecordWaitsForAnUnreachableRegistryWhileJsonEventsAfterItAreDecided() {
        final byte[] poison = "\u0000\u0000\u0000\u0000\u0007garbage".getBytes(StandardCharsets.ISO_8859_1);
        final RotorMetrics metrics = RotorMetrics.forTests();
        try (DetectionDriver d = new DetectionDriver(
                Map.of("rotor.output.format", "json", "kafka.schema.registry.url", "http://127.0.0.1:1"), metrics)) {
            d.send(poison);
            d.send(Events.event("leaked_credential", "critical")
                    .id("json-after")
                    .at(NOW.minusSeconds(5))
                    .paths("secret/prod/after"));

            assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/after");
            assertThat(d.deadLetters()).isEmpty();
            assertThat(metrics.activeAlarms()).containsKey(Alarm.SCHEMA_REGISTRY_UNAVAILABLE);
            assertThat(metrics.registry()
                            .get(RotorMetrics.AWAITING_REGISTRY)
                            .gauge()
                            .value())
                    .isEqualTo(1.0);

            d.advanceWallClock(Duration.ofMinutes(10)); // retried, still unreachable: it keeps waiting
            assertThat(d.deadLetters()).isEmpty();

            d.advanceWallClock(Duration.ofMinutes(21)); // past the 30 minute limit: dead-lettered, original bytes
            assertThat(d.deadLetters()).singleElement().satisfies(r -> {
                assertThat(r.value()).isEqualTo(poison);
                assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("REGISTRY_UNAVAILABLE");
            });
            assertThat(d.audits(AuditDecision.INVALID))
                    .singleElement()
                    .satisfies(a -> assertThat(a.getReason()).contains("REGISTRY_UNAVAILABLE"));
            assertThat(metrics.activeAlarms()).doesNotContainKey(Alarm.SCHEMA_REGISTRY_UNAVAILABLE);
        }
    }

    @Test
    void theRegistryWaitLimitsAreSettings() {
        final byte[] poison = "\u0000\u0000\u0000\u0000\u0007garbage".getBytes(StandardCharsets.ISO_8859_1);
        try (DetectionDriver d = new DetectionDriver(Map.of(
                "rotor.output.format",
                "json",
                "kafka.schema.registry.url",
                "http://127.0.0.1:1",
                "rotor.schema-registry.max-wait",
                "2m",
                "rotor.schema-registry.max-waiting",
                "2"))) {
            d.send(poison);
            d.send(poison);
            d.send(poison); // a third finds two waiting: dead-lettered at once
            assertThat(d.deadLetters())
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("REGISTRY_UNAVAILABLE"));

            d.advanceWallClock(Duration.ofMinutes(3)); // past the 2 minute wait: the two waiting ones follow
            assertThat(d.deadLetters())
                    .hasSize(2)
                    .allSatisfy(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("REGISTRY_UNAVAILABLE"));
        }
    }

    @Test
    void avroRecordsThatWaitedForTheRegistryAreDecidedInOrderOnceItAnswers() {
        final byte[] first = avro(critical("avro-1", "secret/prod/one"));
        final byte[] second = avro(critical("avro-2", "secret/prod/two"));
        final RotorMetrics metrics = RotorMetrics.forTests();
        try (DetectionDriver d = new DetectionDriver(AVRO_IN_JSON_OUT, metrics)) {
            MockSchemaRegistry.outage(SCOPE, true);
            try {
                d.send(first);
                d.send(Events.event("leaked_credential", "critical")
                        .id("json-1")
                        .at(NOW.minusSeconds(5))
                        .paths("secret/prod/json"));
                d.send(second);
                d.advanceWallClock(Duration.ofSeconds(5));
                assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/json");
            } finally {
                MockSchemaRegistry.outage(SCOPE, false);
            }
            d.advanceWallClock(Duration.ofSeconds(3));

            assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/one", "secret/prod/two");
            assertThat(d.deadLetters()).isEmpty();
            assertThat(metrics.activeAlarms()).isEmpty();
            assertThat(d.statistics())
                    .containsEntry(Statistic.TOTAL_EVENTS.key(), 3L)
                    .containsEntry(Statistic.EMERGENCY_ROTATIONS.key(), 3L);
        }
    }

    /** Avro output needs the registry too: an output it cannot register fails the task (retried), never drops it. */
    @Test
    void anOutputTheRegistryCannotRegisterFailsTheTaskInsteadOfBeingDropped() {
        try (DetectionDriver d = new DetectionDriver(AVRO)) {
            MockSchemaRegistry.outage(SCOPE, true);
            try {
                assertThatThrownBy(() -> d.send(Events.event("leaked_credential", "critical")
                                .id("json-1")
                                .at(NOW.minusSeconds(5))
                                .paths("secret/prod/json")))
                        .isInstanceOf(StreamsException.class);
                assertThat(d.deadLetters()).isEmpty();
            } finally {
                MockSchemaRegistry.outage(SCOPE, false);
            }
        }
    }

    @Test
    void anInvalidRecordThatWaitedForTheRegistryIsDeadLetteredWithItsOwnReason() {
        final byte[] unknownId = avro(critical("x", "secret/prod/x"));
        unknownId[4] = 99;
        try (DetectionDriver d = new DetectionDriver(AVRO_IN_JSON_OUT)) {
            MockSchemaRegistry.outage(SCOPE, true);
            try {
                d.send(unknownId);
            } finally {
                MockSchemaRegistry.outage(SCOPE, false);
            }
            d.advanceWallClock(Duration.ofSeconds(3));

            assertThat(d.deadLetters()).singleElement().satisfies(r -> {
                assertThat(r.value()).isEqualTo(unknownId);
                assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("UNKNOWN_SCHEMA_ID");
                assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("siem-key");
            });
            assertThat(d.audits(AuditDecision.INVALID)).hasSize(1);
        }
    }

    @Test
    void truncatedAvroGoesToTheDlq() {
        try (DetectionDriver d = new DetectionDriver(AVRO)) {
            final byte[] whole = avro(critical("x", "secret/a"));

            d.send(Arrays.copyOf(whole, whole.length - 8));

            assertThat(d.deadLetters())
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("INVALID_AVRO"));
            assertThat(d.statistics()).containsEntry(Statistic.INVALID_EVENTS.key(), 1L);
        }
    }

    @Test
    void anAvroEventOlderThanTheMaximumAgeGoesToTheDlq() {
        try (DetectionDriver d = new DetectionDriver(AVRO)) {
            final SecurityEvent old = SecurityEvent.newBuilder(critical("old", "secret/old"))
                    .setTimestamp(NOW.minus(Duration.ofDays(3)).minusSeconds(1))
                    .build();
            d.send(avro(old));
            d.send(avro(critical("fresh", "secret/fresh")));

            assertThat(d.deadLetters())
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("STALE_TIMESTAMP"));
            assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/fresh");
        }
    }

    @Test
    void anAvroEventWithAnOverlongTypeGoesToTheDlq() {
        try (DetectionDriver d = new DetectionDriver(AVRO)) {
            d.send(avro(SecurityEvent.newBuilder(critical("long", "secret/a"))
                    .setEventType("t".repeat(65))
                    .build()));

            assertThat(d.deadLetters())
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("FIELD_TOO_LONG"));
            assertThat(d.commands()).isEmpty();
        }
    }
}
