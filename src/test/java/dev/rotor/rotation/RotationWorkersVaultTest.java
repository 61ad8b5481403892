package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.config.RotationTargets;
import dev.rotor.config.SecretValue;
import dev.rotor.devvault.DevVault;
import dev.rotor.devvault.KvMetadata;
import dev.rotor.vault.RotationOutcome;
import dev.rotor.vault.RotationRequest;
import dev.rotor.vault.VaultClient;
import dev.rotor.vault.VaultRotator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The executor's workers against a dev Vault over HTTP that answers each request after 100 ms, as a distant Vault
 * would: more rotations run at once than the 16 fixed threads rotor used to have, each secret still changes exactly
 * once, and when Vault answers 429 the limit comes down while every rotation still completes.
 */
class RotationWorkersVaultTest {
    private static final int SECRETS = 120;

    private DevVault vault;
    private VaultRotator rotator;

    @BeforeEach
    void start() {
        vault = DevVault.start();
        vault.setResponseDelay(Duration.ofMillis(100));
        final VaultClient client = new VaultClient(new VaultClient.Settings(
                vault.address(),
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                new VaultClient.TokenCredentials(SecretValue.of(vault.rootToken()))));
        rotator = new VaultRotator(
                client,
                RotationTargets.parse("""
                        targets:
                          - pattern: "secret/**"
                            strategy: kv2
                            fields: [password]
                        """, "test"),
                Duration.ofSeconds(30),
                Duration.ofMillis(20),
                Duration.ofMillis(200));
    }

    @AfterEach
    void stop() {
        vault.close();
    }

    private List<String> seed(final String prefix) {
        final List<String> paths = new ArrayList<>();
        for (int i = 0; i < SECRETS; i++) {
            vault.kvPut("secret", prefix + "/app-" + i, Map.of("password", "seeded", "user", "app"));
            paths.add("secret/" + prefix + "/app-" + i);
        }
        return paths;
    }

    private List<RotationOutcome> rotateAll(final RotationWorkers workers, final List<String> paths) throws Exception {
        final List<Future<RotationOutcome>> futures = new ArrayList<>();
        for (final String path : paths) {
            final RotationRequest request = new RotationRequest(
                    "cmd-" + path.replace('/', '.'),
                    path,
                    "test: leaked_credential",
                    true,
                    Instant.now(),
                    Instant.now().plusSeconds(30));
            futures.add(workers.submit(() -> rotator.rotate(request)));
        }
        final List<RotationOutcome> outcomes = new ArrayList<>();
        for (final Future<RotationOutcome> f : futures) {
            outcomes.add(f.get(60, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    private void assertEachChangedOnce(final List<String> paths) {
        for (final String path : paths) {
            final Optional<KvMetadata> md = vault.kvMetadata("secret", path.substring("secret/".length()));
            assertThat(md).as(path).isPresent();
            assertThat(md.get().currentVersion()).as(path).isEqualTo(2);
        }
    }

    @Test
    void aDistantVaultGetsMoreRotationsInFlightThanTheOldSixteenThreads() throws Exception {
        final List<String> paths = seed("far");
        vault.clearRequests();
        try (RotationWorkers workers = new RotationWorkers(64)) {
            final List<RotationOutcome> outcomes = rotateAll(workers, paths);

            assertThat(outcomes).extracting(RotationOutcome::kind).containsOnly(RotationOutcome.Kind.ROTATED);
            assertEachChangedOnce(paths);
            assertThat(workers.limit()).isGreaterThan(16).isLessThanOrEqualTo(64);
            // each rotation makes one request at a time, so Vault saw more than 16 rotations at once; no upper bound
            // here: Vault counts a request until its handler returns, after the client may already have sent the next
            // (RotationWorkersTest counts the ceiling exactly)
            assertThat(vault.mostRequestsInFlight()).isGreaterThan(16);
        }
    }

    @Test
    void whenVaultAnswers429TheLimitComesDownAndEveryRotationStillCompletes() throws Exception {
        final List<String> first = seed("busy-a");
        final List<String> second = seed("busy-b");
        try (RotationWorkers workers = new RotationWorkers(64)) {
            rotateAll(workers, first);
            final int before = workers.limit();
            assertThat(before).isGreaterThan(16);

            vault.failNext(20, 429); // Vault's rate-limit quota refuses the next 20 requests
            final List<RotationOutcome> outcomes = rotateAll(workers, second);

            assertThat(outcomes).extracting(RotationOutcome::kind).containsOnly(RotationOutcome.Kind.ROTATED);
            assertEachChangedOnce(second);
            assertThat(outcomes)
                    .anySatisfy(o -> assertThat(o.calls())
                            .extracting(RotationOutcome.VaultCall::status)
                            .contains(429));
            assertThat(workers.limit()).isLessThan(before);
        }
    }
}
