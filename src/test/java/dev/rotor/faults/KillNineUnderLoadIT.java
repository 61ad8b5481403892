package dev.rotor.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.devvault.DevVault;
import dev.rotor.devvault.KvMetadata;
import dev.rotor.faults.LoadGenerator.Planned;
import dev.rotor.testing.EmbeddedKafkaExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault scenario 1: two rotor instances ({@code run --role all}) on one broker, one of them killed with SIGKILL every
 * 10 s and restarted at once (same state dir), while a steady load runs: 1,000 manual triggers on distinct secrets
 * mixed with 10,000 below-threshold failed logins (at most 5 per secret, the threshold is 10). Then the killing stops
 * and rotor is given time to settle.
 *
 * <p>Invariants: every command has exactly one result; every manual secret was rotated exactly once (KV version 2); no
 * result is FAILED; no command names a counted secret; every event was decided (an audit record of detection names its
 * event id: ROTATE for the triggers, BELOW_THRESHOLD for the counted events).
 */
class KillNineUnderLoadIT {
    private static final Logger LOG = LoggerFactory.getLogger(KillNineUnderLoadIT.class);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final int MANUAL_TRIGGERS = 1_000;
    private static final int COUNTED_EVENTS = 10_000;
    private static final int EVENTS_PER_COUNTED_SECRET = 5;
    private static final Duration LOAD = Duration.ofSeconds(50);
    private static final Duration KILL_EVERY = Duration.ofSeconds(10);
    private static final Duration SETTLE = Duration.ofSeconds(150);
    private static final Duration QUIET = Duration.ofSeconds(5);
    /**
     * Each Vault call takes this long, so that rotations are in flight (between write and marker) when a kill lands.
     */
    private static final Duration VAULT_LATENCY = Duration.ofMillis(100);

    private static final String[] RUN = {"run", "--role", "all", "--config", "config/application.properties"};

    @Test
    void twoInstancesKilledEveryTenSecondsRotateEverySecretOnceAndDecideEveryEvent() throws Exception {
        RotorTopics.create(KAFKA);
        final Figures figures = new Figures("kill-9");
        try (DevVault vault = DevVault.start()) {
            final List<String> manualPaths = new ArrayList<>();
            for (int i = 0; i < MANUAL_TRIGGERS; i++) {
                final String rest = String.format("faults/manual/m%04d", i);
                vault.kvPut("secret", rest, Map.of("password", "seed", "username", "svc-" + i));
                manualPaths.add("secret/" + rest);
            }
            final Plan plan = Plan.of(manualPaths);
            try (RotorProcess a = RotorProcess.start(
                            "kill-9-a",
                            RotorEnvironment.of(
                                    KAFKA.bootstrapServers(), "kill-9-a", vault.address(), vault.rootToken()),
                            RUN);
                    RotorProcess b = RotorProcess.start(
                            "kill-9-b",
                            RotorEnvironment.of(
                                    KAFKA.bootstrapServers(), "kill-9-b", vault.address(), vault.rootToken()),
                            RUN);
                    LoadGenerator load = new LoadGenerator(KAFKA.producerProps(), RotorOutputs.INPUT);
                    RotorOutputs out = new RotorOutputs(KAFKA.bootstrapServers())) {
                a.awaitReady(Duration.ofMinutes(2));
                b.awaitReady(Duration.ofMinutes(2));

                // when: a steady load, and one instance killed -9 (and restarted) every 10 s while it runs
                vault.setResponseDelay(VAULT_LATENCY);
                final long start = System.nanoTime();
                load.startSteady(plan.records(), LOAD);
                int kills = 0;
                for (long at = KILL_EVERY.toMillis(); at <= LOAD.toMillis(); at += KILL_EVERY.toMillis()) {
                    Settle.sleep(Duration.ofMillis(Math.max(0, at - (System.nanoTime() - start) / 1_000_000)));
                    final RotorProcess victim = kills % 2 == 0 ? a : b;
                    victim.kill9();
                    victim.restart();
                    kills++;
                }
                load.awaitSteady(Duration.ofSeconds(60));
                final long loadEnd = System.nanoTime();
                out.catchUp();
                final long decidedWhileKilling =
                        plan.allIds().stream().filter(out::decided).count();
                final int resultsWhileKilling = out.resultsByCommand().size();

                // then: once rotor has settled (or the wait ran out), every invariant is checked
                final Progress progress = new Progress(LOG, Duration.ofSeconds(10));
                final boolean settled = Settle.within("every result and every decision", SETTLE, () -> {
                    out.catchUp();
                    progress.report(() -> "decided "
                            + plan.allIds().stream().filter(out::decided).count() + " of "
                            + plan.allIds().size() + " events, "
                            + out.commandsById().size() + " commands, "
                            + out.resultsByCommand().size() + " with a result");
                    return plan.manualIds().stream().allMatch(out::decided)
                            && out.resultsByCommand().size()
                                    >= out.commandsById().size()
                            && out.commandsById().size() >= MANUAL_TRIGGERS
                            && plan.countedIds().stream().allMatch(out::decided);
                });
                final long settledAfterMs = (System.nanoTime() - loadEnd) / 1_000_000;
                Settle.sleep(QUIET);
                out.catchUp();
                final Map<Integer, Integer> versions = new TreeMap<>();
                final List<String> rotatedTwice = new ArrayList<>();
                final List<String> rotatedTwicePaths = new ArrayList<>();
                final List<String> notRotated = new ArrayList<>();
                for (final String path : manualPaths) {
                    final int v = vault.kvMetadata("secret", path.substring("secret/".length()))
                            .map(KvMetadata::currentVersion)
                            .orElse(0);
                    versions.merge(v, 1, Integer::sum);
                    if (v > 2) {
                        rotatedTwice.add(path + " (version " + v + ")");
                        rotatedTwicePaths.add(path);
                    } else if (v < 2) {
                        notRotated.add(path);
                    }
                }
                final List<String> undecided = new ArrayList<>();
                plan.allIds().stream().filter(id -> !out.decided(id)).forEach(undecided::add);
                final Map<String, List<JsonNode>> results = out.resultsByCommand();
                final List<String> withoutResult = out.commandsById().keySet().stream()
                        .filter(id -> !results.containsKey(id))
                        .toList();
                final List<String> severalResults = results.entrySet().stream()
                        .filter(e -> e.getValue().size() > 1)
                        .map(e -> e.getKey() + " "
                                + e.getValue().stream()
                                        .map(r -> r.path("status").asText())
                                        .toList())
                        .toList();
                final List<String> failed = results.values().stream()
                        .flatMap(List::stream)
                        .filter(r -> r.path("status").asText().equals("FAILED"))
                        .map(r -> r.path("secret_path").asText() + ": "
                                + r.path("error").asText())
                        .toList();
                final List<String> commandsForCountedSecrets = out.commandsById().values().stream()
                        .map(l -> l.get(0).path("secret_path").asText())
                        .filter(p -> !p.startsWith("secret/faults/manual/"))
                        .toList();
                final Map<String, Long> statuses = results.values().stream()
                        .flatMap(List::stream)
                        .collect(Collectors.groupingBy(
                                r -> r.path("status").asText(), TreeMap::new, Collectors.counting()));
                final List<String> replaced = new ArrayList<>(ThreadReplacements.logged(a));
                replaced.addAll(ThreadReplacements.logged(b));

                figures.put("events sent", load.sent())
                        .put("manual triggers / counted events", MANUAL_TRIGGERS + " / " + COUNTED_EVENTS)
                        .put("load duration", LOAD.toSeconds() + " s")
                        .put("kill -9 (instance restarted at once)", kills)
                        .put("Vault latency per call", VAULT_LATENCY.toMillis() + " ms")
                        .put(
                                "events decided / commands with a result while killing",
                                decidedWhileKilling + " / " + resultsWhileKilling)
                        .put(
                                "settled",
                                settled
                                        ? "yes, " + settledAfterMs + " ms after the load"
                                        : "no, within " + SETTLE.toSeconds() + " s")
                        .put(
                                "command records / distinct command ids",
                                out.commandRecords() + " / "
                                        + out.commandsById().size())
                        .put("result records / commands with a result", out.resultRecords() + " / " + results.size())
                        .put("results by status", statuses)
                        .put("commands with more than one result", severalResults.size())
                        .put("commands without a result", withoutResult.size())
                        .put("KV versions of the manual secrets (version: secrets)", versions)
                        .put("max version", versions.isEmpty() ? 0 : Collections.max(versions.keySet()))
                        .put("secrets rotated more than once", rotatedTwice.size())
                        .put("events never decided (lost)", undecided.size())
                        .put("stream threads replaced (log lines)", replaced.size());
                figures.publish();
                if (!rotatedTwicePaths.isEmpty()) {
                    LOG.warn(
                            "secrets rotated more than once, with the Vault calls and log lines about them:\n{}",
                            RotationTrace.describe(rotatedTwicePaths, vault, List.of(a, b)));
                }
                if (!undecided.isEmpty()) {
                    LOG.warn(
                            "undecided events, with where they were sent:\n{}",
                            LostEvents.describe(undecided, load, KAFKA.bootstrapServers()));
                }

                final SoftAssertions soft = new SoftAssertions();
                soft.assertThat(load.sent()).as("events sent").isEqualTo(MANUAL_TRIGGERS + COUNTED_EVENTS);
                soft.assertThat(settled)
                        .as("rotor settled within %s after the load", SETTLE)
                        .isTrue();
                soft.assertThat(undecided)
                        .as("events never decided (no audit record names them)")
                        .isEmpty();
                soft.assertThat(out.commandsById())
                        .as("one command per manual trigger")
                        .hasSize(MANUAL_TRIGGERS);
                soft.assertThat(commandsForCountedSecrets)
                        .as("commands for counted (below-threshold) secrets")
                        .isEmpty();
                soft.assertThat(withoutResult).as("commands without a result").isEmpty();
                soft.assertThat(severalResults)
                        .as("commands with more than one result")
                        .isEmpty();
                soft.assertThat(failed).as("FAILED results").isEmpty();
                soft.assertThat(rotatedTwice)
                        .as("secrets rotated more than once (KV version > 2)")
                        .isEmpty();
                soft.assertThat(notRotated)
                        .as("manual secrets not rotated (KV version < 2)")
                        .isEmpty();
                soft.assertAll();
            }
        }
    }

    /** The load: manual triggers on distinct secrets shuffled (seeded) among below-threshold failed logins. */
    private record Plan(List<Planned> records, List<String> manualIds, List<String> countedIds) {
        static Plan of(final List<String> manualPaths) {
            final List<Planned> records = new ArrayList<>();
            final List<String> manual = new ArrayList<>();
            final List<String> counted = new ArrayList<>();
            for (int i = 0; i < manualPaths.size(); i++) {
                final String id = String.format("kill9-manual-%04d", i);
                manual.add(id);
                records.add(Planned.keyed(
                        id, JsonEvent.manualTrigger(id, manualPaths.get(i)).bytes()));
            }
            for (int i = 0; i < COUNTED_EVENTS; i++) {
                final String id = String.format("kill9-counted-%05d", i);
                counted.add(id);
                final String path = String.format("secret/faults/counted/c%04d", i / EVENTS_PER_COUNTED_SECRET);
                records.add(Planned.keyed(id, JsonEvent.failedLogin(id, path).bytes()));
            }
            Collections.shuffle(records, new Random(14));
            return new Plan(records, manual, counted);
        }

        List<String> allIds() {
            final List<String> all = new ArrayList<>(manualIds);
            all.addAll(countedIds);
            return all;
        }
    }
}
