package dev.rotor.faults;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.rotor.devvault.DevVault;
import dev.rotor.devvault.KvMetadata;
import dev.rotor.testing.EmbeddedKafkaExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault scenario 5: rotor killed with SIGKILL between every pair of Vault calls of every strategy. One manual trigger
 * names 13 secrets; for each, the dev Vault applies one chosen call of its rotation and then holds the connection
 * without answering (kv2: each of its five calls; transit, database static role and aws: the read before the change and
 * the change; database root and lease revocation: the change). Once all 13 are held, the rotor process is killed and
 * started again.
 *
 * <p>Invariants: every command has exactly one result; every secret changed exactly once (kv2 version 2, transit
 * version 2, one rotation of each role and root key); each result tells the truth: ROTATED, except the database root
 * rotation whose change was sent before the crash, which Vault gives no way to recognise: OUTCOME_UNKNOWN, not sent
 * again.
 */
class CrashBetweenVaultCallsIT {
    private static final Logger LOG = LoggerFactory.getLogger(CrashBetweenVaultCallsIT.class);

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    private static final String[] RUN = {"run", "--role", "all", "--config", "config/application.properties"};
    /** Long enough for all holds to be in place before the kill, short enough to free the dev Vault's threads. */
    private static final Duration HOLD = Duration.ofSeconds(20);

    private static final String TARGETS = """
            targets:
              - pattern: "secret/faults/crash/**"
                strategy: kv2
              - pattern: "transit/keys/*"
                strategy: transit
              - pattern: "database/static-roles/*"
                strategy: database-static-role
              - pattern: "database/config/*"
                strategy: database-root
              - pattern: "database/creds/**"
                strategy: lease-revoke-prefix
              - pattern: "aws/**"
                strategy: aws-root
              - pattern: "aws-crash/**"
                strategy: aws-root
            principals: []
            """;

    /** One secret, the call of its rotation after which rotor dies, and what it must end as. */
    private record Case(
            String path,
            String heldMethod,
            String heldPath,
            int skip,
            String status,
            IntSupplier changes,
            int expectedChanges) {}

    @Test
    void aKillBetweenAnyTwoVaultCallsChangesEverySecretOnceAndReportsTheTruth() throws Exception {
        RotorTopics.create(KAFKA);
        final Figures figures = new Figures("crash-between-calls");
        try (DevVault vault = DevVault.start()) {
            final List<Case> cases = cases(vault);
            final Path targets = FaultFiles.dir().resolve("crash-targets.yaml");
            write(targets, TARGETS);
            for (final Case c : cases) {
                vault.dropMatching(c.heldMethod(), c.heldPath(), c.skip(), HOLD);
            }
            final RotorEnvironment env = RotorEnvironment.of(
                            KAFKA.bootstrapServers(), "crash", vault.address(), vault.rootToken())
                    .with("ROTOR_TARGETS_FILE", targets.toAbsolutePath().toString())
                    // no answer may time out before the kill: every held call must still be in flight
                    .with("ROTOR_VAULT_READ_TIMEOUT", "60s");
            try (RotorProcess rotor = RotorProcess.start("crash", env, RUN);
                    RotorOutputs out = new RotorOutputs(KAFKA.bootstrapServers());
                    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerProps())) {
                rotor.awaitReady(Duration.ofMinutes(2));
                final String eventId = "crash-between-calls";
                producer.send(new ProducerRecord<>(
                                RotorOutputs.INPUT,
                                eventId.getBytes(UTF_8),
                                JsonEvent.manualTrigger(eventId, cases.get(0).path())
                                        .paths(cases.stream().map(Case::path).toList())
                                        .bytes()))
                        .get();

                final boolean allHeld = Settle.within(
                        "every secret's chosen call held",
                        Duration.ofSeconds(60),
                        () -> vault.requests().stream().filter(r -> r.dropped()).count() >= cases.size());
                final long heldBeforeKill =
                        vault.requests().stream().filter(r -> r.dropped()).count();
                rotor.kill9();
                vault.clearFaults();
                LOG.info("killed rotor with {} calls held; starting it again", heldBeforeKill);
                rotor.restart();
                rotor.awaitReady(Duration.ofMinutes(2));

                final boolean settled = Settle.within("a result for every command", Duration.ofMinutes(2), () -> {
                    out.catchUp();
                    return out.commandsById().size() >= cases.size()
                            && out.resultsByCommand()
                                    .keySet()
                                    .containsAll(out.commandsById().keySet());
                });
                Settle.sleep(Duration.ofSeconds(3));
                out.catchUp();

                final Map<String, List<String>> statusesByPath = new TreeMap<>();
                out.resultsByCommand().values().stream()
                        .flatMap(List::stream)
                        .forEach(r -> statusesByPath
                                .computeIfAbsent(r.path("secret_path").asText(), p -> new ArrayList<>())
                                .add(r.path("status").asText()));
                final Map<String, Integer> changesByPath = new LinkedHashMap<>();
                cases.forEach(c -> changesByPath.put(c.path(), c.changes().getAsInt()));
                final Map<String, String> heldCall = new LinkedHashMap<>();
                cases.forEach(c -> heldCall.put(
                        c.path(),
                        c.heldMethod() + " " + c.heldPath() + (c.skip() > 0 ? " (#" + (c.skip() + 1) + ")" : "")));
                final String unknownError = out.resultsByCommand().values().stream()
                        .flatMap(List::stream)
                        .filter(r -> r.path("status").asText().equals("OUTCOME_UNKNOWN"))
                        .map(r -> r.path("error").asText())
                        .findFirst()
                        .orElse("");

                figures.put("secrets (one per strategy and call)", cases.size())
                        .put("calls held when rotor was killed", heldBeforeKill)
                        .put("call after which rotor died, per secret", heldCall)
                        .put("results per secret", statusesByPath)
                        .put("changes per secret (versions added, rotations)", changesByPath)
                        .put("database root after the kill", unknownError);
                figures.publish();

                final SoftAssertions soft = new SoftAssertions();
                soft.assertThat(allHeld)
                        .as("all chosen calls were held before the kill")
                        .isTrue();
                soft.assertThat(settled)
                        .as("a result for every command after the restart")
                        .isTrue();
                soft.assertThat(out.commandsById()).as("one command per secret").hasSize(cases.size());
                for (final Case c : cases) {
                    soft.assertThat(statusesByPath.get(c.path()))
                            .as("results of %s (held %s)", c.path(), heldCall.get(c.path()))
                            .containsExactly(c.status());
                    soft.assertThat(changesByPath.get(c.path()))
                            .as("changes of %s (held %s)", c.path(), heldCall.get(c.path()))
                            .isEqualTo(c.expectedChanges());
                }
                soft.assertThat(unknownError).contains("check");
                soft.assertAll();
            }
        }
    }

    private static List<Case> cases(final DevVault vault) {
        final List<Case> cases = new ArrayList<>();
        final String[][] kv2Calls = {
            {"GET", "data", "0"},
            {"POST", "metadata", "0"},
            {"POST", "data", "0"},
            {"POST", "delete", "0"},
            {"POST", "metadata", "1"}
        };
        for (int i = 0; i < kv2Calls.length; i++) {
            final String rest = "faults/crash/kv" + i;
            vault.kvPut("secret", rest, Map.of("password", "seed"));
            final String[] call = kv2Calls[i];
            cases.add(new Case(
                    "secret/" + rest,
                    call[0],
                    "secret/" + call[1] + "/" + rest,
                    Integer.parseInt(call[2]),
                    "ROTATED",
                    () -> vault.kvMetadata("secret", rest)
                                    .map(KvMetadata::currentVersion)
                                    .orElse(0)
                            - 1,
                    1));
        }
        for (final String[] call : new String[][] {{"GET", "transit/keys/tr0"}, {"POST", "transit/keys/tr1/rotate"}}) {
            final String key = call[1].split("/", -1)[2];
            vault.addTransitKey(key);
            cases.add(new Case(
                    "transit/keys/" + key,
                    call[0],
                    call[1],
                    0,
                    "ROTATED",
                    () -> vault.transitLatestVersion(key) - 1,
                    1));
        }
        for (final String[] call :
                new String[][] {{"GET", "database/static-roles/ro0"}, {"POST", "database/rotate-role/ro1"}}) {
            final String role = call[1].substring(call[1].lastIndexOf('/') + 1);
            vault.addDatabaseStaticRole(role, role + "_user");
            cases.add(new Case(
                    "database/static-roles/" + role,
                    call[0],
                    call[1],
                    0,
                    "ROTATED",
                    () -> vault.staticRoleRotations(role),
                    1));
        }
        vault.addDatabaseConnection("pg0");
        cases.add(new Case(
                "database/config/pg0",
                "POST",
                "database/rotate-root/pg0",
                0,
                "OUTCOME_UNKNOWN",
                () -> vault.databaseRootRotations("pg0"),
                1));
        vault.addLease("database/creds/app0/lease-a");
        cases.add(new Case(
                "database/creds/app0",
                "POST",
                "sys/leases/revoke-prefix/database/creds/app0",
                0,
                "ROTATED",
                () -> vault.leaseExists("database/creds/app0/lease-a") ? 0 : 1,
                1));
        cases.add(new Case("aws/config/root", "GET", "aws/config/root", 0, "ROTATED", vault::awsRootRotations, 1));
        vault.mountAws("aws-crash");
        cases.add(new Case(
                "aws-crash/config/root",
                "POST",
                "aws-crash/config/rotate-root",
                0,
                "ROTATED",
                () -> vault.awsRootRotations("aws-crash"),
                1));
        return cases;
    }

    private static void write(final Path file, final String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
