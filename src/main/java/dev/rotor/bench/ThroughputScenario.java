package dev.rotor.bench;

import dev.rotor.config.RotorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Scenario 1 (throughput) and 4 (memory). Loads the {@link EventMix} once (and, for (b2), its sparse layout into a
 * second topic), then per run measures: (a) a plain KafkaConsumer; (b) the hand-written DSL {@link BaselineTopology} on
 * the bench mix; (b2) the same DSL job on the sparse mix; (b3) {@link PerKeyBaselineTopology}, rotor's per-secret
 * algorithm alone with rotor's settings; (c) rotor's detection. (b), (b2), (b3) and (c) each run in a child JVM
 * ({@link StreamsChild}) with a fresh application id, timed from RUNNING to the moment the group has committed every
 * input record and drained its repartition topics; the child's peak RSS (VmHWM) is scenario 4.
 *
 * <p>Checks, per run: (c) and (b3) must have written a rotation command for every direct trigger and every brute-force
 * burst of the data set; (b) and (b2) must have written counts. A run that fails a check makes its figure and every
 * ratio built on it INVALID.
 */
final class ThroughputScenario {
    /** What one child run measured. */
    record ChildRun(double eventsPerSecond, double seconds, double peakRssMiB) {}

    private static final Duration READ_OUTPUT = Duration.ofMinutes(5);

    private final BenchEnv env;
    private final BenchSettings s;
    private final Map<String, String> rotorOverrides;
    final Map<String, Object> details = new LinkedHashMap<>();

    ThroughputScenario(final BenchEnv env) {
        this.env = env;
        this.s = env.settings;
        this.rotorOverrides = env.rotorOverrides("tp", env.work.resolve("state-unused"));
    }

    /** The input topic every throughput run reads (the bench mix). */
    String inputTopic() {
        return rotorOverrides.get("rotor.topic.security-events");
    }

    /** The input topic of (b2): the sparse mix. */
    String sparseTopic() {
        return env.prefix + "-tp-sparse-events";
    }

    /**
     * rotor's settings for the child {@code tag} of run r: the shared input topic, its own output topics and a fresh
     * state directory (so each run's commands can be checked on their own).
     */
    Map<String, String> rotorSettings(final String tag, final int run) {
        final Map<String, String> m = new LinkedHashMap<>(
                env.rotorOverrides("tp-" + tag + "-r" + run, env.work.resolve("state-" + tag + "-" + run)));
        m.put("rotor.topic.security-events", inputTopic());
        return m;
    }

    /**
     * The paths that must get a rotation command from any correct detection with these settings: every direct trigger
     * (critical, or a high leaked key: rotate at once) and — when the failed-auth rule is at most half a burst within
     * at least a burst's span — every brute-force path. The margin covers events a job rightly counts as late.
     */
    static List<String> expectedCommands(final EventMix mix, final RotorConfig.DetectionSettings d) {
        final List<String> out = new ArrayList<>(mix.triggerPaths());
        if (d.failedAuthThreshold() <= mix.burstFailuresPerPath() / 2
                && d.failedAuthWindow().toMillis() >= EventMix.BURST_MS) {
            out.addAll(mix.burstPathNames());
        }
        return out;
    }

    List<Figure> run() throws Exception {
        final boolean throughput = s.runs("throughput");
        env.createTopic(inputTopic());

        final long start = System.currentTimeMillis()
                - EventMix.SPAN_MS
                - Duration.ofMinutes(1).toMillis();
        final EventMix mix = EventMix.generate(s.events(), start, s.seed(), env.prefix + "-e");
        final double loadRate = EventLoader.load(env.bootstrap, inputTopic(), BenchEnv.PARTITIONS, mix, 2);
        details.put("events", mix.count());
        details.put("mix", mix.counts());
        details.put("distinct_paths", mix.distinctPaths());
        details.put("single_paths", mix.singlePaths());
        details.put("burst_paths", mix.burstPaths());
        details.put("average_event_bytes", averageBytes(mix));
        details.put("partitions", BenchEnv.PARTITIONS);
        details.put("input_topic", inputTopic());
        details.put("load_events_per_s", Math.round(loadRate));
        final RotorConfig.DetectionSettings detection =
                env.rotorConfig(rotorSettings("c", 0)).detection();
        final List<String> expected = expectedCommands(mix, detection);
        details.put(
                "expected_command_paths",
                expected.size() + " (every direct trigger"
                        + (expected.size() > mix.triggerPaths().size() ? " and every brute-force burst)" : ")"));
        EventMix sparse = null;
        if (throughput) {
            env.createTopic(sparseTopic());
            sparse = EventMix.sparse(s.events(), start, s.seed(), env.prefix + "-s");
            EventLoader.load(env.bootstrap, sparseTopic(), BenchEnv.PARTITIONS, sparse, 2);
            details.put(
                    "sparse_paths",
                    sparse.distinctPaths() + " (b2's data set: the same kinds and shares, each"
                            + " path named by at most 2 events in 30 minutes)");
        }

        final List<Double> raw = new ArrayList<>();
        final List<Double> baseline = new ArrayList<>();
        final List<Double> sparseBaseline = new ArrayList<>();
        final List<Double> perKey = new ArrayList<>();
        final List<Double> rotor = new ArrayList<>();
        final List<Double> rotorRss = new ArrayList<>();
        final List<Double> baselineRss = new ArrayList<>();
        final List<Double> perKeyRss = new ArrayList<>();
        final List<String> bProblems = new ArrayList<>();
        final List<String> b2Problems = new ArrayList<>();
        final List<String> b3Problems = new ArrayList<>();
        final List<String> cProblems = new ArrayList<>();
        for (int r = 1; r <= s.runs(); r++) {
            final String of = " run " + r + "/" + s.runs();
            if (throughput) {
                raw.add(rawConsumer(r, mix.count()));
                final String bOut = env.prefix + "-tp-b-r" + r + "-counts";
                env.createTopic(bOut);
                final ChildRun b = child(
                        "baseline",
                        "b",
                        env.prefix + "-baseline-r" + r,
                        inputTopic(),
                        baselineSettings(r, "b", inputTopic(), bOut),
                        "(b) DSL baseline" + of,
                        mix.count(),
                        false);
                baseline.add(b.eventsPerSecond());
                baselineRss.add(b.peakRssMiB());
                checkWrote("(b) run " + r, "b", bOut, bProblems);

                final String b2Out = env.prefix + "-tp-b2-r" + r + "-counts";
                env.createTopic(b2Out);
                final ChildRun b2 = child(
                        "baseline",
                        "b2",
                        env.prefix + "-baseline-sparse-r" + r,
                        sparseTopic(),
                        baselineSettings(r, "b2", sparseTopic(), b2Out),
                        "(b2) DSL, sparse mix" + of,
                        sparse.count(),
                        false);
                sparseBaseline.add(b2.eventsPerSecond());
                checkWrote("(b2) run " + r, "b2", b2Out, b2Problems);

                final String b3Out = env.prefix + "-tp-b3-r" + r + "-commands";
                env.createTopic(b3Out);
                final Map<String, String> b3Settings = rotorSettings("b3", r);
                b3Settings.put("bench.input", inputTopic());
                b3Settings.put("bench.output", b3Out);
                final ChildRun b3 = child(
                        "per-key",
                        "b3",
                        env.prefix + "-per-key-r" + r,
                        inputTopic(),
                        b3Settings,
                        "(b3) per-key baseline" + of,
                        mix.count(),
                        false);
                perKey.add(b3.eventsPerSecond());
                perKeyRss.add(b3.peakRssMiB());
                checkCommands("(b3) run " + r, "b3", b3Out, expected, b3Problems);
            }
            final Map<String, String> cSettings = rotorSettings("c", r);
            final RotorConfig cConfig = env.rotorConfig(cSettings);
            env.createRotorTopics(cConfig);
            final ChildRun c = child(
                    "rotor",
                    "c",
                    env.prefix + "-rotor-detection-r" + r,
                    inputTopic(),
                    cSettings,
                    "(c) rotor detection" + of,
                    mix.count(),
                    s.profile());
            rotor.add(c.eventsPerSecond());
            rotorRss.add(c.peakRssMiB());
            checkCommands("(c) run " + r, "c", cConfig.topics().rotationCommands(), expected, cProblems);
        }
        final List<Figure> figures = new ArrayList<>();
        figures.add(new Figure(
                "load.events_per_s",
                "throughput",
                "loading the data set (2 producers)",
                "events/s",
                List.of(loadRate)));
        if (throughput) {
            figures.add(new Figure("throughput.raw_consumer", "throughput", "(a) raw KafkaConsumer", "events/s", raw));
            figures.add(Figure.checked(
                    "throughput.baseline",
                    "throughput",
                    "(b) DSL SlidingWindows, bench mix, EOS",
                    "events/s",
                    baseline,
                    bProblems));
            figures.add(Figure.checked(
                    "throughput.baseline_sparse",
                    "throughput",
                    "(b2) DSL SlidingWindows, sparse mix, EOS",
                    "events/s",
                    sparseBaseline,
                    b2Problems));
            figures.add(Figure.checked(
                    "throughput.baseline_per_key",
                    "throughput",
                    "(b3) per-key Processor API job, rotor's settings",
                    "events/s",
                    perKey,
                    b3Problems));
        }
        figures.add(Figure.checked(
                "throughput.rotor_detection", "throughput", "(c) rotor detection, EOS", "events/s", rotor, cProblems));
        if (throughput) {
            figures.add(ratio("throughput.ratio_c_a", "c/a (rotor / raw consumer)", rotor, raw, cProblems, List.of()));
            figures.add(ratio(
                    "throughput.ratio_c_b", "c/b (rotor / DSL, bench mix)", rotor, baseline, cProblems, bProblems));
            figures.add(ratio(
                    "throughput.ratio_c_b2",
                    "c/b2 (rotor / DSL on the sparse mix)",
                    rotor,
                    sparseBaseline,
                    cProblems,
                    b2Problems));
            figures.add(ratio(
                    "throughput.ratio_c_b3",
                    "c/b3 (rotor / its own algorithm alone)",
                    rotor,
                    perKey,
                    cProblems,
                    b3Problems));
        }
        figures.add(Figure.checked(
                "memory.rotor_peak_rss", "memory", "rotor detection peak RSS (VmHWM)", "MiB", rotorRss, cProblems));
        if (throughput) {
            figures.add(new Figure(
                    "memory.baseline_peak_rss", "memory", "(b) DSL baseline peak RSS (VmHWM)", "MiB", baselineRss));
            figures.add(new Figure(
                    "memory.per_key_peak_rss", "memory", "(b3) per-key baseline peak RSS (VmHWM)", "MiB", perKeyRss));
        }
        return figures;
    }

    /** c / x per run; invalid when either side failed a check. */
    private static Figure ratio(
            final String key,
            final String label,
            final List<Double> c,
            final List<Double> x,
            final List<String> cProblems,
            final List<String> xProblems) {
        final List<Double> v = new ArrayList<>();
        for (int i = 0; i < c.size(); i++) {
            v.add(c.get(i) / x.get(i));
        }
        final List<String> problems = new ArrayList<>(cProblems);
        problems.addAll(xProblems);
        return Figure.checked(key, "throughput", label, "x", v, problems);
    }

    private static long averageBytes(final EventMix mix) {
        long bytes = 0;
        final int sample = Math.min(mix.count(), 10_000);
        for (int i = 0; i < sample; i++) {
            bytes += mix.json(i * (mix.count() / sample)).length;
        }
        return bytes / sample;
    }

    /** A DSL baseline must have written counts. */
    private void checkWrote(final String what, final String tag, final String topic, final List<String> problems) {
        final TopicTally t = TopicTally.read(env.bootstrap, topic, READ_OUTPUT);
        details.merge(tag + "_count_records", t.records(), (x, y) -> x + " " + y);
        if (t.records() == 0) {
            problems.add(what + ": no counts written");
        }
    }

    /** A detection job must have written a command for each expected path. */
    private void checkCommands(
            final String what,
            final String tag,
            final String topic,
            final List<String> expected,
            final List<String> problems) {
        final TopicTally t = TopicTally.read(env.bootstrap, topic, READ_OUTPUT);
        details.merge(tag + "_commands", t.records() + " for " + t.perKey().size() + " paths", (x, y) -> x + "; " + y);
        final List<String> missing = t.missing(expected);
        if (!missing.isEmpty()) {
            problems.add(TopicTally.describeMissing(what, missing, expected.size()));
        }
    }

    private Map<String, String> baselineSettings(
            final int run, final String tag, final String input, final String output) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("bench.input", input);
        m.put("bench.output", output);
        m.put("kafka.bootstrap.servers", env.bootstrap);
        m.put("kafka.state.dir", env.work.resolve("state-" + tag + "-" + run).toString());
        return m;
    }

    /** (a): every record of the input topic through a plain consumer that only counts them; events/s. */
    private double rawConsumer(final int run, final long records) {
        final Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, env.prefix + "-raw-r" + run);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        final AtomicLong seen = new AtomicLong();
        long first = 0;
        long firstBatch = 0;
        long end;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
                Progress ignored = Progress.start("(a) raw consumer run " + run + "/" + s.runs(), records, seen::get)) {
            consumer.subscribe(List.of(inputTopic()));
            final long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (seen.get() < records) {
                final ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty() && first == 0) {
                    first = System.nanoTime();
                    firstBatch = batch.count();
                }
                seen.addAndGet(batch.count());
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "the raw consumer read " + seen.get() + " of " + records + " records in 10 minutes");
                }
            }
            end = System.nanoTime();
        }
        return (records - firstBatch) / Math.max(1e-9, (end - first) / 1e9);
    }

    /**
     * (b), (b2), (b3) or (c) in a child JVM reading {@code input}; events/s from RUNNING until drained, and the child's
     * peak RSS. What the child reports about the work it skipped goes into the details under {@code tag}.
     */
    ChildRun child(
            final String mode,
            final String tag,
            final String applicationId,
            final String input,
            final Map<String, String> settings,
            final String label,
            final long records,
            final boolean profile)
            throws Exception {
        final Path ready = env.work.resolve(applicationId + ".ready");
        Files.deleteIfExists(ready);
        final Path log = env.logs.resolve(applicationId + ".log");
        final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + s.childHeap(),
                "-Djava.awt.headless=true"));
        if (profile) {
            cmd.add("-XX:StartFlightRecording=filename=" + env.logs.resolve(applicationId + ".jfr")
                    + ",settings=profile,dumponexit=true");
        }
        cmd.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                StreamsChild.class.getName(),
                mode,
                applicationId,
                ready.toString()));
        settings.forEach((k, v) -> cmd.add(k + "=" + v));
        final ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("ROTOR_") || k.startsWith("KAFKA_") || k.startsWith("VAULT_"));
        // as rotor's image runs it (Dockerfile; README "Memory"), and the same for every baseline
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        final Process process = pb.start();
        try (GroupWatcher watcher = new GroupWatcher(env.bootstrap, applicationId, input)) {
            final long readyBy = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!Files.exists(ready)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(
                            mode + " child exited with " + process.exitValue() + "; see " + log);
                }
                if (System.nanoTime() > readyBy) {
                    throw new IllegalStateException(mode + " child did not reach RUNNING in 3 minutes; see " + log);
                }
                Thread.sleep(20);
            }
            final long runningAt = Long.parseLong(Files.readString(ready).trim());
            final AtomicLong committed = new AtomicLong();
            final long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
            long doneAt;
            try (Progress ignored = Progress.start(label, records, committed::get)) {
                while (true) {
                    committed.set(watcher.inputCommitted());
                    if (committed.get() >= records && watcher.drained(records)) {
                        doneAt = System.currentTimeMillis();
                        break;
                    }
                    if (!process.isAlive()) {
                        throw new IllegalStateException(mode + " child exited with " + process.exitValue()
                                + " before it processed every record; see " + log);
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(mode + " child committed " + committed.get() + " of " + records
                                + " records in 30 minutes; see " + log);
                    }
                    Thread.sleep(100);
                }
            }
            final double rss = peakRssMiB(process.pid());
            final double secs = Math.max(0.001, (doneAt - runningAt) / 1000.0);
            return new ChildRun(records / secs, secs, rss);
        } finally {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            final Path stats = ready.resolveSibling(ready.getFileName() + ".stats");
            if (Files.exists(stats)) {
                final Properties p = new Properties();
                try (var r = Files.newBufferedReader(stats)) {
                    p.load(r);
                }
                for (final String k : new TreeSet<>(p.stringPropertyNames())) {
                    if (k.equals("dropped_records")
                            || k.equals("late_events")
                            || k.equals("emergency_rotations")
                            || k.equals("suppressed")
                            || k.equals("duplicates")) {
                        details.merge(tag + "_" + k, p.getProperty(k), (x, y) -> x + " " + y);
                    }
                }
            }
        }
    }

    /** VmHWM of a process: its peak resident set size, in MiB. */
    static double peakRssMiB(final long pid) throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                final String[] parts = line.substring(6).trim().split("\\s+", -1);
                return Long.parseLong(parts[0]) / 1024.0;
            }
        }
        throw new IOException("no VmHWM in /proc/" + pid + "/status");
    }
}
