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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Scenario 1 (throughput) and 4 (memory). Loads the {@link EventMix} once, then per run measures on the same topic:
 * (a) a plain KafkaConsumer, (b) the hand-written {@link BaselineTopology}, (c) rotor's detection — (b) and (c) each
 * in a child JVM ({@link StreamsChild}) with a fresh application id, timed from RUNNING to the moment the group has
 * committed every input record and drained its repartition topics; the child's peak RSS (VmHWM) is scenario 4.
 */
final class ThroughputScenario {
    /** What one child run measured. */
    record ChildRun(double eventsPerSecond, double seconds, double peakRssMiB) {
    }

    private final BenchEnv env;
    private final BenchSettings s;
    private final Map<String, String> rotorOverrides;
    final Map<String, Object> details = new LinkedHashMap<>();

    ThroughputScenario(final BenchEnv env) {
        this.env = env;
        this.s = env.settings;
        this.rotorOverrides = env.rotorOverrides("tp", env.work.resolve("state-unused"));
    }

    /** The input topic every throughput run reads. */
    String inputTopic() {
        return rotorOverrides.get("rotor.topic.security-events");
    }

    /** rotor's settings in the detection child of run r (fresh state directory). */
    Map<String, String> rotorSettings(final int run) {
        final Map<String, String> m = new LinkedHashMap<>(rotorOverrides);
        m.put("kafka.state.dir", env.work.resolve("state-rotor-" + run).toString());
        return m;
    }

    List<Figure> run() throws Exception {
        final boolean throughput = s.runs("throughput");
        final RotorConfig config = env.rotorConfig(rotorSettings(0));
        env.createTopic(inputTopic());
        env.createRotorTopics(config);
        final String baselineOut = env.prefix + "-tp-baseline-counts";
        env.createTopic(baselineOut);

        final long start = System.currentTimeMillis() - EventMix.SPAN_MS - Duration.ofMinutes(1).toMillis();
        final EventMix mix = EventMix.generate(s.events(), start, s.seed(), env.prefix + "-e");
        final double loadRate = EventLoader.load(env.bootstrap, inputTopic(), BenchEnv.PARTITIONS, mix, 2);
        long bytes = 0;
        final int sample = Math.min(mix.count(), 10_000);
        for (int i = 0; i < sample; i++) {
            bytes += mix.json(i * (mix.count() / sample)).length;
        }
        details.put("events", mix.count());
        details.put("mix", mix.counts());
        details.put("distinct_paths", mix.distinctPaths());
        details.put("single_paths", mix.singlePaths());
        details.put("burst_paths", mix.burstPaths());
        details.put("average_event_bytes", bytes / sample);
        details.put("partitions", BenchEnv.PARTITIONS);
        details.put("input_topic", inputTopic());
        details.put("load_events_per_s", Math.round(loadRate));

        final List<Double> raw = new ArrayList<>();
        final List<Double> baseline = new ArrayList<>();
        final List<Double> rotor = new ArrayList<>();
        final List<Double> rotorRss = new ArrayList<>();
        final List<Double> baselineRss = new ArrayList<>();
        final List<Double> load = new ArrayList<>();
        load.add(loadRate);
        for (int r = 1; r <= s.runs(); r++) {
            if (throughput) {
                raw.add(rawConsumer(r, mix.count()));
                final ChildRun b = child("baseline", env.prefix + "-baseline-r" + r, baselineSettings(r, baselineOut),
                        "(b) baseline run " + r + "/" + s.runs(), mix.count(), false);
                baseline.add(b.eventsPerSecond());
                baselineRss.add(b.peakRssMiB());
            }
            final ChildRun c = child("rotor", env.prefix + "-rotor-detection-r" + r, rotorSettings(r),
                    "(c) rotor detection run " + r + "/" + s.runs(), mix.count(), s.profile());
            rotor.add(c.eventsPerSecond());
            rotorRss.add(c.peakRssMiB());
        }
        final List<Figure> figures = new ArrayList<>();
        figures.add(new Figure("load.events_per_s", "throughput", "loading the data set (2 producers)", "events/s", load));
        if (throughput) {
            figures.add(new Figure("throughput.raw_consumer", "throughput", "(a) raw KafkaConsumer", "events/s", raw));
            figures.add(new Figure("throughput.baseline", "throughput", "(b) bare Streams SlidingWindows, EOS",
                    "events/s", baseline));
        }
        figures.add(new Figure("throughput.rotor_detection", "throughput", "(c) rotor detection, EOS", "events/s",
                rotor));
        if (throughput) {
            final List<Double> ca = new ArrayList<>();
            final List<Double> cb = new ArrayList<>();
            for (int i = 0; i < rotor.size(); i++) {
                ca.add(rotor.get(i) / raw.get(i));
                cb.add(rotor.get(i) / baseline.get(i));
            }
            figures.add(new Figure("throughput.ratio_c_a", "throughput", "c/a (rotor / raw consumer)", "x", ca));
            figures.add(new Figure("throughput.ratio_c_b", "throughput", "c/b (rotor / baseline)", "x", cb));
        }
        figures.add(new Figure("memory.rotor_peak_rss", "memory", "rotor detection peak RSS (VmHWM)", "MiB",
                rotorRss));
        if (throughput) {
            figures.add(new Figure("memory.baseline_peak_rss", "memory", "baseline peak RSS (VmHWM)", "MiB",
                    baselineRss));
        }
        return figures;
    }

    private Map<String, String> baselineSettings(final int run, final String output) {
        final Map<String, String> m = new LinkedHashMap<>();
        m.put("bench.input", inputTopic());
        m.put("bench.output", output);
        m.put("kafka.bootstrap.servers", env.bootstrap);
        m.put("kafka.state.dir", env.work.resolve("state-baseline-" + run).toString());
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
                    throw new IllegalStateException("the raw consumer read " + seen.get() + " of " + records
                            + " records in 10 minutes");
                }
            }
            end = System.nanoTime();
        }
        return (records - firstBatch) / Math.max(1e-9, (end - first) / 1e9);
    }

    /** (b) or (c) in a child JVM; events/s from RUNNING until drained, and the child's peak RSS. */
    ChildRun child(final String mode, final String applicationId, final Map<String, String> settings,
                   final String label, final long records, final boolean profile) throws Exception {
        final Path ready = env.work.resolve(applicationId + ".ready");
        Files.deleteIfExists(ready);
        final Path log = env.logs.resolve(applicationId + ".log");
        final List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx" + s.childHeap(), "-Djava.awt.headless=true"));
        if (profile) {
            cmd.add("-XX:StartFlightRecording=filename=" + env.logs.resolve(applicationId + ".jfr")
                    + ",settings=profile,dumponexit=true");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), StreamsChild.class.getName(), mode,
                applicationId, ready.toString()));
        settings.forEach((k, v) -> cmd.add(k + "=" + v));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("ROTOR_") || k.startsWith("KAFKA_")
                || k.startsWith("VAULT_"));
        final Process process = pb.start();
        try (GroupWatcher watcher = new GroupWatcher(env.bootstrap, applicationId, inputTopic())) {
            final long readyBy = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!Files.exists(ready)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(mode + " child exited with " + process.exitValue() + "; see "
                            + log);
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
                        throw new IllegalStateException(mode + " child committed " + committed.get() + " of "
                                + records + " records in 30 minutes; see " + log);
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
                final java.util.Properties p = new java.util.Properties();
                try (var r = Files.newBufferedReader(stats)) {
                    p.load(r);
                }
                for (final String k : new java.util.TreeSet<>(p.stringPropertyNames())) {
                    if (k.equals("dropped_records") || k.equals("late_events") || k.equals("emergency_rotations")
                            || k.equals("suppressed")) {
                        details.merge(mode + "_" + k, p.getProperty(k), (x, y) -> x + " " + y);
                    }
                }
            }
        }
    }

    /** VmHWM of a process: its peak resident set size, in MiB. */
    static double peakRssMiB(final long pid) throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                final String[] parts = line.substring(6).trim().split("\\s+");
                return Long.parseLong(parts[0]) / 1024.0;
            }
        }
        throw new IOException("no VmHWM in /proc/" + pid + "/status");
    }
}
