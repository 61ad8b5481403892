package dev.rotor.bench;

import dev.rotor.config.Durations;
import dev.rotor.config.RotorConfig;
import dev.rotor.local.LocalKafka;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.topics.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.streams.StreamsConfig;

/**
 * {@code rotor bench}: starts a broker (child JVM, unless one is given) and the dev Vault, runs the chosen scenarios
 * ({@link ThroughputScenario}, {@link LatencyScenario}, {@link LatencyUnderLoadScenario}, {@link IncidentScenario};
 * memory is measured during throughput), prints the summary table and writes results.json, report.html and report.png,
 * each stamped with the git commit of the working directory and whether its tree was dirty. Method and choices:
 * docs/benchmark.md.
 */
public final class Bench {
    /**
     * What a bench run produced.
     *
     * @param summary the printed summary table
     * @param invalid the figures whose checks failed (key: reason); empty when every check passed
     */
    public record Result(String summary, Map<String, String> invalid) {}

    private final BenchSettings settings;
    private final String command;
    private final PrintStream out;

    public Bench(final BenchSettings settings, final String command, final PrintStream out) {
        this.settings = settings;
        this.command = command;
        this.out = out;
    }

    /** Runs everything; returns the report's summary table and the figures that failed their checks. */
    public Result run() throws Exception {
        System.setProperty("java.awt.headless", "true");
        // read before anything is written, from the directory the bench was started in
        final GitStamp git = GitStamp.of(Path.of("").toAbsolutePath());
        Files.createDirectories(settings.out());
        BenchLogging.toFile(settings.out().resolve("bench.log"));
        final Path work = Files.createTempDirectory("rotor-bench-");
        final String prefix = "bench-" + Long.toString(System.currentTimeMillis() / 1000, 36);
        LocalKafka kafka = null;
        try {
            final String bootstrap;
            if (settings.bootstrap().isPresent()) {
                bootstrap = settings.bootstrap().get();
            } else {
                out.println("Starting a local Kafka broker (child JVM, -Xmx" + settings.brokerHeap() + ") ...");
                kafka = LocalKafka.start(work.resolve("kafka"), freePortPair(), settings.brokerHeap(), false);
                bootstrap = kafka.bootstrapServers();
            }
            out.println("Broker " + bootstrap + "; work directory " + work + "; logs in " + settings.out());
            out.println("Measuring " + git.describe());
            try (BenchEnv env = new BenchEnv(settings, bootstrap, work, prefix)) {
                final List<Figure> figures = new ArrayList<>();
                final Map<String, Object> scenarios = new LinkedHashMap<>();
                final Map<String, Histogram> latency = new LinkedHashMap<>();
                if (settings.runs("throughput") || settings.runs("memory")) {
                    out.println("Scenario 1" + (settings.runs("throughput") ? "" : " (rotor only, for memory)")
                            + ": throughput of " + String.format(Locale.ROOT, "%,d", settings.events()) + " events");
                    final ThroughputScenario t = new ThroughputScenario(env);
                    figures.addAll(t.run());
                    scenarios.put("throughput", t.details);
                }
                if (settings.warmUpSeconds() > 0
                        && (settings.runs("latency")
                                || settings.runs("latency-under-load")
                                || settings.runs("incident"))) {
                    out.println("Warming up the bench JVM and the broker: " + JvmWarmUp.RATE + " manual triggers/s for "
                            + settings.warmUpSeconds() + " s (not measured)");
                    scenarios.put("warm-up", JvmWarmUp.run(env));
                }
                if (settings.runs("latency")) {
                    out.println("Scenario 2: latency at " + settings.latencyRate() + " manual triggers/s for "
                            + settings.latencySeconds() + " s, exactly-once and at-least-once");
                    final LatencyScenario l = new LatencyScenario(env);
                    figures.addAll(l.run());
                    scenarios.put("latency", l.details);
                    latency.putAll(l.merged);
                }
                if (settings.runs("latency-under-load")) {
                    out.println("Scenario 2b: latency under load, " + LatencyUnderLoadScenario.TRIGGERS_PER_S
                            + " manual triggers/s amid " + LatencyUnderLoadScenario.BACKGROUND_PER_S
                            + " events/s of the bench mix for " + settings.latencySeconds() + " s, exactly-once");
                    final LatencyUnderLoadScenario l = new LatencyUnderLoadScenario(env);
                    figures.addAll(l.run());
                    scenarios.put("latency-under-load", l.details);
                    latency.putAll(l.merged);
                }
                if (settings.runs("incident")) {
                    out.println("Scenario 3: incident of " + settings.incidentSecrets() + " secrets");
                    final IncidentScenario i = new IncidentScenario(env);
                    figures.addAll(i.run());
                    scenarios.put("incident", i.details);
                }
                final String title = String.format(
                        Locale.ROOT,
                        "rotor bench %s, %s: %s, %d run(s) per scenario" + " (median, spread min - max)",
                        Instant.now().toString().substring(0, 19) + "Z",
                        git.shortForm(),
                        settings.runs("throughput") || settings.runs("memory")
                                ? String.format(Locale.ROOT, "%,d events", settings.events())
                                : String.join(", ", new TreeSet<>(settings.scenarios())),
                        settings.runs());
                final Report report =
                        new Report(title, command, git, settings, machine(), config(env), scenarios, figures, latency);
                final String summary = report.summary();
                out.println();
                out.print(summary);
                report.writeJson(settings.out().resolve("results.json"));
                report.writePng(settings.out().resolve("report.png"));
                report.writeHtml(settings.out().resolve("report.html"));
                out.println();
                out.println("Wrote " + settings.out().resolve("results.json") + ", "
                        + settings.out().resolve("report.html") + " and "
                        + settings.out().resolve("report.png"));
                final Map<String, String> invalid = new LinkedHashMap<>();
                report.invalid().forEach(f -> invalid.put(f.key(), f.invalid()));
                return new Result(summary, invalid);
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
            deleteTree(work);
        }
    }

    private Map<String, Object> machine() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("memory_total", memTotal());
        m.put(
                "os",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
        m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put(
                "bench_jvm_heap_max",
                Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB (rotor in-process"
                        + " for latency and incident)");
        m.put("measured_streams_jvms", "child JVMs, -Xmx" + settings.childHeap() + ", default GC");
        m.put(
                "broker",
                settings.bootstrap()
                        .map(b -> "given: " + b)
                        .orElse("local KRaft broker, child JVM -Xmx" + settings.brokerHeap()));
        m.put("kafka", AppInfoParser.getVersion());
        m.put(
                "vault",
                settings.vaultLatency().isZero()
                        ? "dev Vault in the bench JVM, answering at once"
                        : "dev Vault in the bench JVM, answering each request after "
                                + Durations.format(settings.vaultLatency()));
        return m;
    }

    private static String memTotal() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:"))
                    .findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 + " MiB")
                    .orElse("?");
        } catch (final IOException | RuntimeException e) {
            return "?";
        }
    }

    /** rotor's effective settings (as the detection child runs them) and the baseline's. */
    private Map<String, Object> config(final BenchEnv env) {
        final Map<String, Object> m = new LinkedHashMap<>();
        final RotorConfig cfg = env.rotorConfig(env.rotorOverrides("tp", env.work.resolve("state-config")));
        final Properties props = StreamsSettings.forApplication(cfg, new Topics(cfg), "rotor-detection");
        final StreamsConfig sc = new StreamsConfig(props);
        m.put(
                "rotor_overrides",
                settings.rotorOverrides().isEmpty()
                        ? "none (rotor's defaults)"
                        : settings.rotorOverrides().toString());
        m.put(
                "processing.guarantee",
                sc.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG) + " (latency also at_least_once)");
        m.put("num.stream.threads", sc.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        m.put("commit.interval.ms", sc.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        m.put("statestore.cache.max.bytes", sc.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG));
        final Object setter = props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG);
        final Object limit = props.get("rotor.rocksdb.memory.bytes");
        m.put(
                "rocksdb",
                setter == null
                        ? "Kafka Streams defaults, unbounded across stores (per store instance: "
                                + "50 MiB block cache, 3 x 16 MiB memtables)"
                        : "rocksdb.config.setter="
                                + (setter instanceof Class<?> c ? c.getSimpleName() : setter)
                                + (limit == null
                                        ? ""
                                        : ", shared limit " + Long.parseLong(limit.toString()) / (1024 * 1024)
                                                + " MiB (rotor.rocksdb.memory)"));
        m.put("rotor.output.format", cfg.outputFormat().name().toLowerCase(Locale.ROOT) + " (no schema registry)");
        final RotorConfig.DetectionSettings d = cfg.detection();
        m.put(
                "detection",
                "failed-auth " + d.failedAuthThreshold() + "/" + d.failedAuthWindow() + ", rate-limit "
                        + d.rateLimitThreshold() + "/" + d.rateLimitWindow() + ", grace " + d.grace() + ", cooldown "
                        + d.cooldown());
        m.put("rotor.executor.parallelism", cfg.executor().parallelism());
        m.put("rotation_targets", "secret/** kv2 (rotor local's), dev Vault in the bench JVM");
        m.put(
                "baseline_b_b2",
                "Jackson parse, key by path, SlidingWindows " + BaselineTopology.WINDOW + " grace "
                        + BaselineTopology.GRACE
                        + " count, exactly_once_v2, Streams defaults (b: bench mix, b2: sparse mix)");
        m.put(
                "baseline_b3",
                "Processor API: Jackson streaming parse + trigger matrix, repartition by path, one store"
                        + " value per secret (rotor's algorithm), commands only; rotor's Streams settings above "
                        + "without "
                        + PerKeyBaselineTopology.DLQ_SETTINGS);
        m.put("partitions", BenchEnv.PARTITIONS);
        return m;
    }

    /** A free port whose successor is free too (the broker's controller listens there). */
    static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            final int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            if (port >= 65535) {
                continue;
            }
            try (ServerSocket a = new ServerSocket(port, 1, InetAddress.getLoopbackAddress());
                    ServerSocket b = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (final IOException e) {
                // taken meanwhile; try another
            }
        }
        throw new IOException("no two consecutive free ports found");
    }

    private static void deleteTree(final Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (final IOException e) {
            // best effort
        }
    }
}
