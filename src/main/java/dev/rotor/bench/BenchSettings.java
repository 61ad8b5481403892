package dev.rotor.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code rotor bench} runs (flags of {@link dev.rotor.cli.BenchCommand}).
 *
 * @param events events in the throughput data set
 * @param scenarios which of throughput, latency, latency-under-load, incident, memory
 * @param out where results.json, report.html, report.png and the logs go
 * @param bootstrap an existing broker; empty: start a local one (child JVM)
 * @param runs runs of each scenario
 * @param latencyRate manual triggers per second in the latency scenario
 * @param latencySeconds how long the latency scenarios send
 * @param warmUpSeconds how long the warm-up of the bench JVM and the broker sends triggers before the first scenario
 *     that runs rotor in this JVM; each latency run's paced warm-up takes half of it (0: neither)
 * @param incidentSecrets secrets per incident
 * @param childHeap -Xmx of the measured Streams JVMs (rotor detection and the baseline)
 * @param brokerHeap -Xmx of the local broker
 * @param rotorOverrides rotor settings (rotor.*, kafka.*) applied to rotor in every scenario
 * @param profile record a JFR profile of each rotor detection child JVM
 * @param vaultLatency how long the dev Vault waits before answering each request (zero: at once), to stand in for a
 *     Vault across a network
 * @param seed of the data set
 */
public record BenchSettings(
        int events,
        Set<String> scenarios,
        Path out,
        Optional<String> bootstrap,
        int runs,
        int latencyRate,
        int latencySeconds,
        int warmUpSeconds,
        int incidentSecrets,
        String childHeap,
        String brokerHeap,
        Map<String, String> rotorOverrides,
        boolean profile,
        Duration vaultLatency,
        long seed) {
    public static final Set<String> ALL = Set.of("throughput", "latency", "latency-under-load", "incident", "memory");

    public boolean runs(final String scenario) {
        return scenarios.contains(scenario);
    }
}
