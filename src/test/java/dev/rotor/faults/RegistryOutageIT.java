package dev.rotor.faults;

import dev.rotor.devvault.DevVault;
import dev.rotor.faults.LoadGenerator.Planned;
import dev.rotor.faults.RotorOutputs.DeadLetter;
import dev.rotor.serde.HttpSchemaRegistry;
import dev.rotor.testing.ApicurioRegistry;
import dev.rotor.testing.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Fault scenario 3: the schema registry goes away and comes back while JSON and Avro events arrive on
 * {@code security-events}. rotor reads Avro through a TCP proxy in front of a real Apicurio Registry, so the registry
 * keeps its schemas across the "outage": 15 s of refused connections, then 15 s of connections reset on accept.
 *
 * <p>Six schema versions are registered before the outage; rotor sees only version 0 before it, so every other
 * version's id is first met during the outage and cannot be fetched (rotor must notice the outage). The outage stream
 * also carries {@code \x00\x00\x00\x00\x07garbage}, the poison record that used to stop a partition.
 *
 * <p>Invariants: JSON events keep being decided during the outage (each within {@value #JSON_DEADLINE_SECONDS} s of
 * being sent); after the registry is back, every Avro event is decided, or dead-lettered with a code naming the
 * registry (never lost); the poison record ends in the DLQ with a {@code rotor.error.code}.
 */
class RegistryOutageIT {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    static final int JSON_DEADLINE_SECONDS = 10;
    private static final Duration REFUSING = Duration.ofSeconds(15);
    private static final Duration RESETTING = Duration.ofSeconds(15);
    private static final Duration JSON_EVERY = Duration.ofMillis(250);
    private static final int SCHEMA_VERSIONS = 6;
    private static final int AVRO_PER_VERSION = 4;
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final byte[] POISON = {0, 0, 0, 0, 7, 'g', 'a', 'r', 'b', 'a', 'g', 'e'};
    private static final String[] RUN = {"run", "--role", "all", "--config", "config/application.properties"};

    @Test
    void jsonKeepsBeingDecidedWhileTheRegistryIsDownAndNoAvroEventIsLost() {
        RotorTopics.create(KAFKA);
        final Figures figures = new Figures("registry-outage");
        final ApicurioRegistry apicurio = ApicurioRegistry.shared();
        try (DevVault vault = DevVault.start();
                TcpProxy proxy = TcpProxy.start("registry", apicurio.port())) {
            final String registryUrl = proxy.url(ApicurioRegistry.CCOMPAT_PATH);
            final List<AvroEvents.Version> versions = AvroEvents.register(
                    new HttpSchemaRegistry(List.of(registryUrl), null, Duration.ofSeconds(2), Duration.ofSeconds(10)),
                    "faults-registry-outage-" + System.nanoTime() + "-value",
                    SCHEMA_VERSIONS);
            try (RotorProcess rotor = RotorProcess.start(
                            "registry-outage",
                            RotorEnvironment.of(
                                            KAFKA.bootstrapServers(),
                                            "registry-outage",
                                            vault.address(),
                                            vault.rootToken())
                                    .schemaRegistry(registryUrl),
                            RUN);
                    LoadGenerator load = new LoadGenerator(KAFKA.producerProps(), RotorOutputs.INPUT);
                    RotorOutputs out = new RotorOutputs(KAFKA.bootstrapServers())) {
                rotor.awaitReady(Duration.ofMinutes(2));

                // given: Avro (version 0) and JSON both work, and rotor has met version 0's id
                load.send(Planned.keyed(
                        "registry-before-avro",
                        AvroEvents.failedLogin(
                                versions.get(0), "registry-before-avro", "secret/faults/registry/before-avro")));
                load.send(Planned.keyed(
                        "registry-before-json",
                        JsonEvent.failedLogin("registry-before-json", "secret/faults/registry/before-json")
                                .bytes()));
                final boolean before = Settle.within(
                        "events before the outage decided",
                        Duration.ofSeconds(60),
                        () -> out.catchUp().decided("registry-before-avro") && out.decided("registry-before-json"));

                // when: the registry refuses connections, then resets them, while JSON and Avro events arrive
                final Outage outage = Outage.plan(versions);
                proxy.refuse();
                final long start = System.nanoTime();
                boolean resetting = false;
                final Map<String, Long> decidedAt = new HashMap<>();
                for (final Outage.Step step : outage.steps()) {
                    final long dueNanos = start + step.atMillis() * 1_000_000L;
                    while (System.nanoTime() < dueNanos) {
                        noteDecisions(out.catchUp(), outage.jsonIds(), decidedAt);
                        Settle.sleep(Duration.ofMillis(
                                Math.max(0, Math.min(100, (dueNanos - System.nanoTime()) / 1_000_000))));
                    }
                    if (!resetting && step.atMillis() >= REFUSING.toMillis()) {
                        proxy.reset();
                        resetting = true;
                    }
                    load.send(step.record());
                }
                final long outageEnd = start + REFUSING.plus(RESETTING).toNanos();
                while (System.nanoTime() < outageEnd) {
                    noteDecisions(out.catchUp(), outage.jsonIds(), decidedAt);
                    Settle.sleep(Duration.ofMillis(100));
                }
                final Map<String, Long> decidedDuringOutage = new HashMap<>(decidedAt);
                proxy.forward();
                final long recovered = System.nanoTime();

                // then
                final boolean settled = Settle.within("every event decided or dead-lettered", SETTLE, () -> {
                    noteDecisions(out.catchUp(), outage.jsonIds(), decidedAt);
                    return outage.jsonIds().stream().allMatch(out::decided)
                            && outage.avroIds().stream()
                                    .allMatch(id -> out.decided(id)
                                            || !out.deadLettersKeyed(id).isEmpty())
                            && !out.deadLettersKeyed(Outage.POISON_ID).isEmpty();
                });
                final long settledAfterMs = (System.nanoTime() - recovered) / 1_000_000;
                out.catchUp();

                final List<String> lateJson = new ArrayList<>();
                long maxJsonLatencyMs = 0;
                for (final String id : outage.jsonIds()) {
                    final long sent = load.positionOf(id).sentAtNanos();
                    final Long at = decidedAt.get(id);
                    final long latencyMs = at == null ? Long.MAX_VALUE : (at - sent) / 1_000_000;
                    maxJsonLatencyMs = Math.max(maxJsonLatencyMs, latencyMs);
                    if (latencyMs > JSON_DEADLINE_SECONDS * 1000L) {
                        lateJson.add(id + (at == null ? " never decided" : " decided after " + latencyMs + " ms"));
                    }
                }
                final List<String> lostAvro = outage.avroIds().stream()
                        .filter(id ->
                                !out.decided(id) && out.deadLettersKeyed(id).isEmpty())
                        .toList();
                final List<String> avroDeadLettered = outage.avroIds().stream()
                        .filter(id -> !out.deadLettersKeyed(id).isEmpty())
                        .map(id -> id + " " + out.deadLettersKeyed(id).get(0).code())
                        .toList();
                final List<String> avroDeadLetteredWithoutRegistryCode = outage.avroIds().stream()
                        .filter(id -> !out.decided(id))
                        .flatMap(id -> out.deadLettersKeyed(id).stream().map(d -> id + " " + d.code()))
                        .filter(s -> !s.toUpperCase(Locale.ROOT).contains("REGISTRY"))
                        .toList();
                final List<DeadLetter> poison = out.deadLettersKeyed(Outage.POISON_ID);
                final List<String> replaced = ThreadReplacements.logged(rotor);
                final Map<String, Long> replacedByException = new TreeMap<>();
                replaced.forEach(l -> replacedByException.merge(
                        l.replaceAll(".*stream thread failed \\(", "").replaceAll("\\).*", ""), 1L, Long::sum));

                figures.put(
                                "outage",
                                REFUSING.toSeconds() + " s refused, then " + RESETTING.toSeconds()
                                        + " s reset on accept")
                        .put("events before the outage decided", before)
                        .put(
                                "JSON events sent during the outage",
                                outage.jsonIds().size())
                        .put(
                                "JSON events decided during the outage",
                                outage.jsonIds().stream()
                                        .filter(decidedDuringOutage::containsKey)
                                        .count())
                        .put(
                                "max JSON latency (sent -> audit seen)",
                                maxJsonLatencyMs == Long.MAX_VALUE ? "never decided" : maxJsonLatencyMs + " ms")
                        .put(
                                "Avro events sent during the outage (schema ids new to rotor)",
                                outage.avroIds().size() + " (" + (SCHEMA_VERSIONS - 1) + " new ids)")
                        .put(
                                "Avro events decided after recovery",
                                outage.avroIds().stream().filter(out::decided).count())
                        .put("Avro events dead-lettered", avroDeadLettered.size())
                        .put("Avro events lost", lostAvro.size())
                        .put(
                                "poison record \\x00\\x00\\x00\\x00\\x07garbage",
                                poison.isEmpty()
                                        ? "not dead-lettered"
                                        : "DLQ " + poison.get(0).code())
                        .put("connections refused or reset (proxy)", proxy.cut())
                        .put(
                                "settled",
                                settled
                                        ? "yes, " + settledAfterMs + " ms after recovery"
                                        : "no, within " + SETTLE.toSeconds() + " s")
                        .put("stream threads replaced (log lines)", replaced.size() + " " + replacedByException);
                figures.publish();

                final SoftAssertions soft = new SoftAssertions();
                soft.assertThat(before)
                        .as("Avro and JSON decided before the outage")
                        .isTrue();
                soft.assertThat(lateJson)
                        .as(
                                "JSON events sent during the registry outage and not decided within " + "%d s",
                                JSON_DEADLINE_SECONDS)
                        .isEmpty();
                soft.assertThat(lostAvro)
                        .as("Avro events neither decided nor dead-lettered after recovery (lost)")
                        .isEmpty();
                soft.assertThat(avroDeadLetteredWithoutRegistryCode)
                        .as("Avro events dead-lettered with a code that "
                                + "does not name the registry (a good record blamed for the outage)")
                        .isEmpty();
                soft.assertThat(poison)
                        .as("the poison record \\x00\\x00\\x00\\x00\\x07garbage in the DLQ")
                        .isNotEmpty()
                        .allSatisfy(d -> soft.assertThat(d.code()).isNotBlank());
                soft.assertThat(settled)
                        .as("settled within %s after recovery", SETTLE)
                        .isTrue();
                soft.assertAll();
            }
        }
    }

    private static void noteDecisions(final RotorOutputs out, final List<String> ids, final Map<String, Long> at) {
        final long now = System.nanoTime();
        for (final String id : ids) {
            if (!at.containsKey(id) && out.decided(id)) {
                at.put(id, now);
            }
        }
    }

    /** What is sent during the outage, and when (ms after it began). */
    private record Outage(List<Step> steps, List<String> jsonIds, List<String> avroIds) {
        static final String POISON_ID = "registry-poison";

        record Step(long atMillis, Planned record) {}

        static Outage plan(final List<AvroEvents.Version> versions) {
            final List<Step> steps = new ArrayList<>();
            final List<String> json = new ArrayList<>();
            final List<String> avro = new ArrayList<>();
            final long total = REFUSING.plus(RESETTING).toMillis();
            int n = 0;
            for (long at = 0; at < total - 2_000; at += JSON_EVERY.toMillis()) {
                final String id = String.format("registry-json-%03d", n++);
                json.add(id);
                steps.add(new Step(
                        at,
                        Planned.keyed(
                                id,
                                JsonEvent.failedLogin(
                                                id, "secret/faults/registry/json-" + id.substring(id.length() - 3))
                                        .bytes())));
            }
            steps.add(new Step(500, Planned.keyed(POISON_ID, POISON)));
            // each version's first record at a different moment of the outage, refused and reset phases both
            final long spacing = (total - 4_000) / (versions.size() * ((long) AVRO_PER_VERSION));
            long at = 1_000;
            for (int i = 0; i < AVRO_PER_VERSION; i++) {
                for (final AvroEvents.Version v : versions) {
                    final String id = String.format("registry-avro-v%d-%d", v.number(), i);
                    avro.add(id);
                    steps.add(new Step(
                            at,
                            Planned.keyed(
                                    id,
                                    AvroEvents.failedLogin(
                                            v, id, "secret/faults/registry/" + id.substring("registry-".length())))));
                    at += spacing;
                }
            }
            steps.sort(Comparator.comparingLong(Step::atMillis));
            return new Outage(steps, json, avro);
        }
    }
}
