package dev.rotor.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.devvault.DevVault;
import dev.rotor.devvault.KvMetadata;
import dev.rotor.faults.LoadGenerator.Planned;
import dev.rotor.testing.EmbeddedKafkaExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault scenario 2: Vault unusable for a minute while manual triggers keep arriving. For the first 30 s every Vault
 * request is answered 503 ({@code Vault is sealed}, the dev Vault's fault switch); for the next 30 s the connection is
 * refused (a TCP proxy in front of the dev Vault closes its listening socket, so the dev Vault keeps its secrets). 200
 * manual triggers arrive evenly over that minute. rotor's rotation deadline is its default 5 min.
 *
 * <p>Invariants: after recovery every trigger has exactly one command and every command exactly one result, all
 * ROTATED, none FAILED; every secret's KV version is 2 (rotated once).
 */
class VaultOutageIT {
    private static final Logger LOG = LoggerFactory.getLogger(VaultOutageIT.class);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final int TRIGGERS = 200;
    private static final Duration ANSWERING_503 = Duration.ofSeconds(30);
    private static final Duration REFUSING = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofMinutes(2);
    private static final String[] RUN = {"run", "--role", "all", "--config", "config/application.properties"};

    @Test
    void vaultAnswering503ThenRefusingConnectionsForAMinuteLosesNoRotation() {
        RotorTopics.create(KAFKA);
        final Figures figures = new Figures("vault-outage");
        try (DevVault vault = DevVault.start();
                TcpProxy proxy = TcpProxy.start("vault", vault.port())) {
            final List<Planned> triggers = new ArrayList<>();
            final List<String> paths = new ArrayList<>();
            for (int i = 0; i < TRIGGERS; i++) {
                final String rest = String.format("faults/outage/o%03d", i);
                vault.kvPut("secret", rest, Map.of("password", "seed"));
                paths.add("secret/" + rest);
                final String id = String.format("vault-outage-%03d", i);
                triggers.add(Planned.keyed(
                        id, JsonEvent.manualTrigger(id, "secret/" + rest).bytes()));
            }
            try (RotorProcess rotor = RotorProcess.start(
                            "vault-outage",
                            RotorEnvironment.of(
                                    KAFKA.bootstrapServers(), "vault-outage", proxy.url(""), vault.rootToken()),
                            RUN);
                    LoadGenerator load = new LoadGenerator(KAFKA.producerProps(), RotorOutputs.INPUT);
                    RotorOutputs out = new RotorOutputs(KAFKA.bootstrapServers())) {
                rotor.awaitReady(Duration.ofMinutes(2));

                // when: Vault answers 503 for 30 s, then refuses connections for 30 s, while the triggers arrive
                final Instant outageStart = Instant.now();
                vault.failNext(Integer.MAX_VALUE, 503);
                load.startSteady(triggers, ANSWERING_503.plus(REFUSING));
                Settle.sleep(ANSWERING_503);
                final long answered503 =
                        vault.requests().stream().filter(r -> r.status() == 503).count();
                vault.clearFaults();
                proxy.refuse();
                Settle.sleep(REFUSING);
                proxy.forward();
                final Instant recovered = Instant.now();
                final long refusedOrReset = proxy.cut();
                load.awaitSteady(Duration.ofSeconds(30));

                // then
                final Progress progress = new Progress(LOG, Duration.ofSeconds(10));
                final boolean settled = Settle.within("a result for every trigger", SETTLE, () -> {
                    out.catchUp();
                    progress.report(() -> out.commandsById().size() + " commands, "
                            + out.resultsByCommand().size() + " with a result");
                    return out.commandsById().size() >= TRIGGERS
                            && out.resultsByCommand()
                                    .keySet()
                                    .containsAll(out.commandsById().keySet());
                });
                final Instant settledAt = Instant.now();
                Settle.sleep(Duration.ofSeconds(3));
                out.catchUp();

                final Map<String, List<JsonNode>> results = out.resultsByCommand();
                final Map<String, Long> statuses = results.values().stream()
                        .flatMap(List::stream)
                        .collect(Collectors.groupingBy(
                                r -> r.path("status").asText(), TreeMap::new, Collectors.counting()));
                final List<String> undecided = triggers.stream()
                        .map(Planned::id)
                        .filter(id -> !out.decided(id))
                        .toList();
                final List<String> withoutResult = out.commandsById().keySet().stream()
                        .filter(id -> !results.containsKey(id))
                        .toList();
                final List<String> severalResults = results.entrySet().stream()
                        .filter(e -> e.getValue().size() > 1)
                        .map(Map.Entry::getKey)
                        .toList();
                final List<String> notRotated = results.values().stream()
                        .flatMap(List::stream)
                        .filter(r -> !r.path("status").asText().equals("ROTATED"))
                        .map(r -> r.path("secret_path").asText() + " "
                                + r.path("status").asText() + ": "
                                + r.path("error").asText())
                        .toList();
                final Map<Integer, Integer> versions = new TreeMap<>();
                for (final String p : paths) {
                    versions.merge(
                            vault.kvMetadata("secret", p.substring("secret/".length()))
                                    .map(KvMetadata::currentVersion)
                                    .orElse(0),
                            1,
                            Integer::sum);
                }
                final String lastResultAt = results.values().stream()
                        .flatMap(List::stream)
                        .map(r -> r.path("rotation_completed_at").asText())
                        .max(String::compareTo)
                        .orElse("none");

                figures.put("manual triggers sent during the outage", load.sent())
                        .put(
                                "outage",
                                ANSWERING_503.toSeconds() + " s of 503, then " + REFUSING.toSeconds()
                                        + " s of refused connections")
                        .put("Vault requests answered 503", answered503)
                        .put("open Vault connections cut when the refusal began", refusedOrReset)
                        .put(
                                "commands / commands with a result",
                                out.commandsById().size() + " / " + results.size())
                        .put("results by status", statuses)
                        .put("commands with more than one result", severalResults.size())
                        .put("events never decided (lost)", undecided.size())
                        .put("KV versions (version: secrets)", versions)
                        .put(
                                "outage start / recovery / last result",
                                outageStart + " / " + recovered + " / " + lastResultAt)
                        .put(
                                "settled",
                                settled
                                        ? "yes, "
                                                + Duration.between(recovered, settledAt)
                                                        .toMillis() + " ms after recovery (as seen by the test)"
                                        : "no, within " + SETTLE.toSeconds() + " s")
                        .put(
                                "stream threads replaced (log lines)",
                                ThreadReplacements.logged(rotor).size());
                figures.publish();

                final SoftAssertions soft = new SoftAssertions();
                soft.assertThat(load.sent()).as("triggers sent").isEqualTo(TRIGGERS);
                soft.assertThat(settled)
                        .as("a result for every command within %s after recovery", SETTLE)
                        .isTrue();
                soft.assertThat(undecided).as("triggers never decided").isEmpty();
                soft.assertThat(out.commandsById())
                        .as("one command per trigger")
                        .hasSize(TRIGGERS);
                soft.assertThat(withoutResult)
                        .as("commands without a result (lost)")
                        .isEmpty();
                soft.assertThat(severalResults)
                        .as("commands with more than one result")
                        .isEmpty();
                soft.assertThat(notRotated).as("results other than ROTATED").isEmpty();
                soft.assertThat(versions)
                        .as("every secret rotated exactly once (KV version 2)")
                        .isEqualTo(Map.of(2, TRIGGERS));
                soft.assertAll();
            }
        }
    }
}
