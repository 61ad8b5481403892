package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad configuration stops the packaged jar at once with one line naming the key, exit code 2; help needs no Kafka. */
class BadConfigIT {
    record Run(int exit, String out, String err) {}

    static Run rotor(final Map<String, String> env, final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", "target/rotor.jar"));
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("ROTOR_") || k.startsWith("KAFKA_") || k.startsWith("VAULT_"));
        pb.environment().putAll(env);
        final Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void aValueThatIsNotANumber() throws Exception {
        final Run r = rotor(Map.of("ROTOR_FAILED_AUTH_THRESHOLD", "ten", "VAULT_TOKEN", "t"), "run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo(
                        "rotor: invalid configuration: rotor.failed-auth.threshold: must be a whole number, got 'ten'");
    }

    @Test
    void thresholdZero() throws Exception {
        final Run r = rotor(Map.of("ROTOR_FAILED_AUTH_THRESHOLD", "0", "VAULT_TOKEN", "t"), "run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo("rotor: invalid configuration: rotor.failed-auth.threshold: must be greater than 0, got 0");
    }

    @Test
    void unknownStrategy() throws Exception {
        final Path targets = Files.createTempFile(Path.of("target"), "targets", ".yaml");
        Files.writeString(targets, "targets:\n  - pattern: \"secret/**\"\n    strategy: teleport\n");
        final Run r = rotor(Map.of("ROTOR_TARGETS_FILE", targets.toString(), "VAULT_TOKEN", "t"), "run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err())
                .startsWith("rotor: invalid configuration: rotor.targets.file (")
                .contains("targets[0].strategy 'teleport' is unknown");
        assertThat(r.err().strip().lines()).hasSize(1);
    }

    @Test
    void malformedVaultAddress() throws Exception {
        final Run r = rotor(Map.of("VAULT_ADDR", "vault.example.com:8200", "VAULT_TOKEN", "t"), "run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("rotor: invalid configuration: rotor.vault.addr (VAULT_ADDR): must be http://");
    }

    @Test
    void missingVaultToken() throws Exception {
        final Run r = rotor(Map.of(), "run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).startsWith("rotor: invalid configuration: VAULT_TOKEN: ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "run --help", "local --help", "trigger --help", "topics --help", "--version"})
    void helpAndVersionWorkWithoutKafka(final String args) throws Exception {
        final Run r = rotor(Map.of(), args.split(" "));
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsAnyOf("Usage: rotor", "rotor ");
    }
}
