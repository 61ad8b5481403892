package dev.rotor.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) run as a child JVM from rotor's own class path, for
 * {@code rotor local} and {@code rotor bench}. A child process keeps the broker's memory and threads apart from rotor's
 * (the benchmark measures rotor alone) and dies with a clean shutdown on {@link #close()}.
 *
 * <p>Single node: the offsets and transaction topics have one replica, or exactly-once consumers read nothing.
 */
public final class LocalKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;
    private final int port;
    private final Process process;
    private final boolean deleteOnClose;

    private LocalKafka(final Path dir, final int port, final Process process, final boolean deleteOnClose) {
        this.dir = dir;
        this.port = port;
        this.process = process;
        this.deleteOnClose = deleteOnClose;
    }

    /**
     * Formats a fresh log directory under {@code dir} (created when absent) and starts the broker on 127.0.0.1:port,
     * its controller on port+1; returns when the broker answers. {@code heap} is the child's -Xmx, e.g. "512m".
     */
    public static LocalKafka start(final Path dir, final int port, final String heap, final boolean deleteOnClose)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        final Path logs = dir.resolve("kafka-logs");
        final Path props = dir.resolve("server.properties");
        final Properties p = new Properties();
        final int controller = port + 1;
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("controller.quorum.bootstrap.servers", "127.0.0.1:" + controller),
                Map.entry("log.dirs", logs.toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("offsets.topic.num.partitions", "10"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "10"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "false")));
        try (var out = Files.newBufferedWriter(props)) {
            p.store(out, "rotor local broker");
        }
        final Path log = dir.resolve("kafka.log");
        if (!Files.isDirectory(logs)) {
            final Process format = new ProcessBuilder(java(
                            heap,
                            "kafka.tools.StorageTool",
                            "format",
                            "-t",
                            UUID.randomUUID().toString().replace("-", "").substring(0, 22),
                            "-c",
                            props.toString(),
                            "--standalone"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IOException("formatting the local Kafka log directory failed; see " + log);
            }
        }
        final Process broker = new ProcessBuilder(java(
                        heap,
                        ChildBroker.class.getName(),
                        Long.toString(ProcessHandle.current().pid()),
                        props.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        final LocalKafka kafka = new LocalKafka(dir, port, broker, deleteOnClose);
        try {
            kafka.awaitReady();
        } catch (final IOException | RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private static List<String> java(final String heap, final String mainClass, final String... args) {
        final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-Xms" + heap,
                "-XX:+UseG1GC",
                "-Djava.awt.headless=true",
                "-cp",
                System.getProperty("java.class.path"),
                mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void awaitReady() throws IOException, InterruptedException {
        final long until = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < until) {
            if (!process.isAlive()) {
                throw new IOException("the local Kafka broker exited with " + process.exitValue() + "; see "
                        + dir.resolve("kafka.log"));
            }
            if (answers()) {
                try (Admin admin = Admin.create(Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers(),
                        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        2000,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                        4000))) {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (final ExecutionException | TimeoutException e) {
                    // not ready yet
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("the local Kafka broker did not become ready within " + READY_TIMEOUT.toSeconds()
                + " s; see " + dir.resolve("kafka.log"));
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker's process id, e.g. to read its memory use. */
    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (deleteOnClose) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (final IOException e) {
                LOG.debug("could not delete {}", dir);
            }
        }
    }
}
