package dev.rotor.faults;

import dev.rotor.testing.FreePorts;
import dev.rotor.testing.TestDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment of one rotor instance of the fault suite: what an operator would export before {@code java -jar
 * rotor.jar run}. JSON output, the suite's rotation targets, its own state dir and HTTP port, and a short consumer
 * session (6 s, the broker's minimum) so that a killed member's partitions move within seconds rather than after
 * Kafka's default 45 s.
 */
final class RotorEnvironment {
    static final Path TARGETS = Path.of("target", "test-classes", "faults", "rotation-targets.yaml");
    private static final String SESSION_TIMEOUT_MS = "6000";
    private static final String HEARTBEAT_INTERVAL_MS = "1500";

    private final Map<String, String> env = new LinkedHashMap<>();
    private final int httpPort;

    private RotorEnvironment(final int httpPort) {
        this.httpPort = httpPort;
    }

    /**
     * @param bootstrapServers the broker
     * @param instance a name for the instance: its state dir is {@code target/faults/state/<instance>} (emptied now;
     *     kept across restarts)
     * @param vaultAddress {@code VAULT_ADDR}
     * @param vaultToken {@code VAULT_TOKEN}
     */
    static RotorEnvironment of(
            final String bootstrapServers, final String instance, final String vaultAddress, final String vaultToken) {
        final RotorEnvironment e = new RotorEnvironment(FreePorts.one());
        final Path state = TestDirs.emptyDir(FaultFiles.dir().resolve("state").resolve(instance));
        e.env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrapServers);
        e.env.put("KAFKA_STATE_DIR", state.toAbsolutePath().toString());
        e.env.put("KAFKA_SESSION_TIMEOUT_MS", SESSION_TIMEOUT_MS);
        e.env.put("KAFKA_HEARTBEAT_INTERVAL_MS", HEARTBEAT_INTERVAL_MS);
        e.env.put("ROTOR_OUTPUT_FORMAT", "json");
        // the invariants read every decision, counted events included, from the audit trail
        e.env.put("ROTOR_AUDIT_BELOW_THRESHOLD", "all");
        e.env.put("ROTOR_HTTP_PORT", Integer.toString(e.httpPort));
        e.env.put("ROTOR_TARGETS_FILE", TARGETS.toAbsolutePath().toString());
        e.env.put("VAULT_ADDR", vaultAddress);
        e.env.put("VAULT_TOKEN", vaultToken);
        if (!Files.isRegularFile(TARGETS)) {
            throw new IllegalStateException(TARGETS + " is missing (a test resource)");
        }
        return e;
    }

    /** {@code KAFKA_SCHEMA_REGISTRY_URL}: the registry rotor reads Avro input with. */
    RotorEnvironment schemaRegistry(final String url) {
        env.put("KAFKA_SCHEMA_REGISTRY_URL", url);
        return this;
    }

    /** Any other variable (e.g. {@code ROTOR_ROTATION_DEADLINE}). */
    RotorEnvironment with(final String name, final String value) {
        env.put(name, value);
        return this;
    }

    int httpPort() {
        return httpPort;
    }

    Map<String, String> asMap() {
        return Map.copyOf(env);
    }
}
