package dev.rotor.cli;

import dev.rotor.bench.Bench;
import dev.rotor.bench.BenchSettings;
import dev.rotor.config.ConfigException;
import dev.rotor.config.Durations;
import dev.rotor.config.SettingType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rotor bench}: throughput, latency, incident scale and memory, each against a baseline in the same run (method
 * in docs/benchmark.md).
 */
@Command(
        name = "bench",
        description = {
            "Benchmark rotor on this machine: throughput against a raw consumer and three hand-written Kafka"
                    + " Streams jobs, latency (exactly-once and at-least-once, and amid 1,000 events/s), a "
                    + "10,000-secret"
                    + " incident, peak memory.",
            "Starts its own broker (child JVM) and dev Vault; writes results.json, report.html, report.png.",
            "Exit code 1 when a scenario could not run or a figure failed its checks (shown as INVALID)."
        })
public final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(
            names = "--events",
            paramLabel = "N",
            defaultValue = "1000000",
            description = "events in the throughput data set (default 1,000,000)")
    int events;

    @Option(
            names = "--scenario",
            paramLabel = "S",
            defaultValue = "all",
            split = ",",
            description = "all (default), throughput, latency, latency-under-load, incident, memory; comma-separated"
                    + " for several")
    List<String> scenario;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "target/bench",
            description = "where results.json, report.html, report.png and logs/ go (default target/bench)")
    Path out;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "use this broker instead of starting one (the latency and incident scenarios run rotor with"
                    + " its own application ids, rotor, rotor-detection and rotor-executor: never a "
                    + "cluster where rotor runs)")
    String bootstrap;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "runs of each scenario (default 3)")
    int runs;

    @Option(
            names = "--latency-rate",
            paramLabel = "PER_S",
            defaultValue = "100",
            description = "manual triggers per second in the latency scenario (default 100, the rate of its goal)")
    int latencyRate;

    @Option(
            names = "--latency-seconds",
            paramLabel = "S",
            defaultValue = "40",
            description = "how long the latency and latency-under-load scenarios send (default 40)")
    int latencySeconds;

    @Option(
            names = "--warm-up-seconds",
            paramLabel = "S",
            defaultValue = "20",
            description = "before the first scenario that runs rotor in the bench JVM, send manual triggers at 100/s"
                    + " for this long, unmeasured, so that a single run does not measure a cold JVM and broker; each"
                    + " latency run then warms up at its own rate for half as long (default 20; 0: no warm-up)")
    int warmUpSeconds;

    @Option(
            names = "--incident-secrets",
            paramLabel = "N",
            defaultValue = "10000",
            description = "secrets per incident (default 10,000)")
    int incidentSecrets;

    @Option(
            names = "--heap",
            paramLabel = "SIZE",
            defaultValue = "256m",
            description = "-Xmx of the measured Kafka Streams JVMs, rotor detection and the baseline (default 256m)")
    String heap;

    @Option(
            names = "--broker-heap",
            paramLabel = "SIZE",
            defaultValue = "1g",
            description = "-Xmx of the local broker (default 1g)")
    String brokerHeap;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "a rotor setting (rotor.* or kafka.*) for rotor under test in every scenario, e.g."
                    + " --set kafka.commit.interval.ms=20; repeatable")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--profile", description = "record a JFR profile of each rotor detection JVM into <out>/logs")
    boolean profile;

    @Option(
            names = "--vault-latency",
            paramLabel = "DURATION",
            defaultValue = "0ms",
            description = "the dev Vault waits this long before answering each request, as a Vault across a network"
                    + " would (e.g. 20ms; default 0ms)")
    String vaultLatency;

    @Option(names = "--seed", defaultValue = "42", description = "seed of the data set (default 42)")
    long seed;

    @Override
    public Integer call() throws Exception {
        final Set<String> scenarios = new LinkedHashSet<>();
        for (final String s : scenario) {
            final String name = s.trim().toLowerCase(Locale.ROOT);
            if (name.equals("all")) {
                scenarios.addAll(BenchSettings.ALL);
            } else if (BenchSettings.ALL.contains(name)) {
                scenarios.add(name);
            } else {
                throw new ConfigException(
                        "--scenario",
                        "must be all, throughput, latency, latency-under-load," + " incident or memory, got '" + s
                                + "'");
            }
        }
        positive("--events", events);
        positive("--runs", runs);
        positive("--latency-rate", latencyRate);
        positive("--latency-seconds", latencySeconds);
        positive("--incident-secrets", incidentSecrets);
        if (warmUpSeconds < 0) {
            throw new ConfigException("--warm-up-seconds", "must be 0 or more, got " + warmUpSeconds);
        }
        SettingType.DURATION.validator().ensureValid("--vault-latency", vaultLatency);
        final Duration latency = Durations.parse(vaultLatency);
        for (final String key : set.keySet()) {
            if (!key.startsWith("rotor.") && !key.startsWith("kafka.")) {
                throw new ConfigException("--set", "keys start with rotor. or kafka., got '" + key + "'");
            }
        }
        final BenchSettings settings = new BenchSettings(
                events,
                Set.copyOf(scenarios),
                out,
                Optional.ofNullable(bootstrap),
                runs,
                latencyRate,
                latencySeconds,
                warmUpSeconds,
                incidentSecrets,
                heap,
                brokerHeap,
                Map.copyOf(set),
                profile,
                latency,
                seed);
        final String command = "java -jar target/rotor.jar "
                + String.join(" ", spec.commandLine().getParseResult().originalArgs());
        final Bench.Result result = new Bench(settings, command, System.out).run();
        if (!result.invalid().isEmpty()) {
            System.err.println("rotor bench: " + result.invalid().size() + " figure(s) failed their checks and are"
                    + " INVALID: " + String.join(", ", result.invalid().keySet()));
            return RotorCommand.EXIT_RUNTIME;
        }
        return RotorCommand.EXIT_OK;
    }

    private static void positive(final String flag, final long value) {
        if (value <= 0) {
            throw new ConfigException(flag, "must be positive, got " + value);
        }
    }
}
