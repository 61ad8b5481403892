package dev.rotor.rotation;

import dev.rotor.config.RotorConfig;
import dev.rotor.streams.Telemetry;
import dev.rotor.topics.Topics;
import dev.rotor.vault.SecretRotator;

/**
 * What the executor topology is built with: rotor's configuration and topics, the rotator that calls Vault, the worker
 * threads it runs on, where telemetry goes, and the partition count of rotation-commands (over which the storm breaker
 * splits its budget; {@code RotorService} asks the cluster for it).
 */
public record ExecutorSetup(
        RotorConfig config,
        Topics topics,
        SecretRotator rotator,
        RotationWorkers workers,
        Telemetry telemetry,
        int commandPartitions) {
    /** Without telemetry, over one partition of rotation-commands, as in a TopologyTestDriver. */
    public static ExecutorSetup of(
            final RotorConfig config, final Topics topics, final SecretRotator rotator, final RotationWorkers workers) {
        return new ExecutorSetup(config, topics, rotator, workers, Telemetry.NONE, 1);
    }
}
