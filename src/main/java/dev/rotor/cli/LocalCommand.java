package dev.rotor.cli;

import dev.rotor.config.ConfigException;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.devvault.DevVault;
import dev.rotor.local.LocalKafka;
import dev.rotor.local.LocalSeed;
import dev.rotor.service.RotorService;
import dev.rotor.topics.TopicsAdmin;
import dev.rotor.vault.VaultRotator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rotor local}: everything on one machine with no setup — a Kafka broker (child JVM), a dev Vault seeded with
 * sample secrets, and rotor itself with JSON output. {@code --demo} plays the original implementation's examples.
 *
 * <p>The console is for a person: the endpoints, then one line per decision and rotation; the full log goes to
 * {@code <data dir>/rotor.log} ({@code --log-file}), and {@code --verbose} prints it on the console instead. The data
 * dir (broker, Kafka Streams state, log, the dev Vault's token) defaults to {@code rotor-local-<port base>} in the
 * working directory, emptied at start so every run begins fresh, and kept after exit so the log can be read; it is
 * outside the OS temp directory, which the OS may clean under a running state store.
 */
@Command(
        name = "local",
        description = "Run Kafka, a dev Vault and rotor on this machine, with nothing to install or configure.")
public final class LocalCommand implements Callable<Integer> {
    /** Marks a data dir that {@code rotor local} made, and so may empty at the next start. */
    static final String MARKER = ".rotor-local";

    @Option(names = "--demo", description = "play the original implementation's five examples and print what happened")
    boolean demo;

    @Option(
            names = "--exit-after-demo",
            description = "with --demo: exit when the examples are done (0 if all rotated)")
    boolean exitAfterDemo;

    @Option(
            names = "--port-base",
            paramLabel = "N",
            defaultValue = "19092",
            description =
                    "Kafka listens on N (controller N+1), the dev Vault on N+2, rotor's HTTP on N+3 (default 19092)")
    int portBase;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "where the broker, rotor's state and the log live "
                    + "(default: rotor-local-<port base> in the working directory, emptied at start and kept after "
                    + "exit; a "
                    + "given DIR is kept between runs)")
    Path dataDir;

    @Option(
            names = "--log-file",
            paramLabel = "FILE",
            description = "where the full log goes (default: <data dir>/rotor.log)")
    Path logFile;

    @Option(
            names = "--verbose",
            description = "print the full log on the console, as rotor did before (also to " + "--log-file when given)")
    boolean verbose;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (answers(portBase)) {
            throw new ConfigException(
                    "--port-base",
                    "127.0.0.1:" + portBase + " is in use (another "
                            + "rotor local?); stop it or pick another --port-base");
        }
        final Path dir = dataDir != null
                ? Files.createDirectories(dataDir)
                : freshDefaultDir(Path.of("rotor-local-" + portBase));
        final boolean forPeople = !verbose && !Logging.operatorConfigured();
        final Path log = logFile != null ? logFile : dir.resolve("rotor.log");
        if (forPeople) {
            Logging.forPeople(log);
        } else {
            Logging.verbose(logFile);
        }
        out.println("Starting a local Kafka broker, a dev Vault and rotor in " + dir + " ...");
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), portBase, "512m", false);
                DevVault vault = DevVault.start(portBase + 2)) {
            LocalSeed.seed(vault);
            final Path tokenFile = dir.resolve("vault-token");
            Files.writeString(tokenFile, vault.rootToken());
            restrict(tokenFile);
            final Path targets = dir.resolve("rotation-targets.yaml");
            try (InputStream in = LocalCommand.class.getResourceAsStream("/local/rotation-targets.yaml")) {
                Files.write(targets, in.readAllBytes());
            }
            final RotorConfig cfg = ConfigLoader.load(
                    Optional.empty(),
                    Map.of("VAULT_ADDR", vault.address(), "VAULT_TOKEN", vault.rootToken()),
                    Map.of(
                            "kafka.bootstrap.servers",
                            kafka.bootstrapServers(),
                            "kafka.schema.registry.url",
                            "",
                            "kafka.state.dir",
                            dir.resolve("state").toAbsolutePath().toString(),
                            "kafka.num.stream.threads",
                            "1",
                            "rotor.output.format",
                            "json",
                            "rotor.topics.partitions",
                            "3",
                            "rotor.http.port",
                            Integer.toString(portBase + 3),
                            "rotor.targets.file",
                            targets.toString()));
            try (TopicsAdmin admin = new TopicsAdmin(cfg)) {
                admin.createMissing();
            }
            final RotorService rotor =
                    RotorService.startWithEndpoints(cfg, RotorService.Role.ALL, VaultRotator.fromConfig(cfg));
            try {
                awaitRunning(rotor);
                banner(cfg, vault, tokenFile, forPeople ? log : logFile);
                if (demo) {
                    final boolean allRotated = new LocalDemo(cfg, out).play();
                    if (exitAfterDemo) {
                        return allRotated ? RotorCommand.EXIT_OK : RotorCommand.EXIT_RUNTIME;
                    }
                }
                final ConsoleFeed feed = forPeople ? ConsoleFeed.start(cfg, RotorService.Role.ALL, out) : null;
                out.println("rotor is running; Ctrl-C to stop."
                        + (feed == null ? "" : " Decisions and rotations appear below as they happen."));
                // on Ctrl-C the JVM only waits for shutdown hooks, so the hook itself stops everything, in order
                final CountDownLatch stopped = new CountDownLatch(1);
                Runtime.getRuntime()
                        .addShutdownHook(new Thread(
                                () -> {
                                    if (feed != null) {
                                        feed.close();
                                    }
                                    rotor.close(Duration.ofSeconds(10));
                                    vault.close();
                                    kafka.close();
                                    stopped.countDown();
                                },
                                "rotor-local-stop"));
                stopped.await();
                return RotorCommand.EXIT_OK;
            } finally {
                rotor.close(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * The default data dir, emptied: what an earlier {@code rotor local} left there (broker, state, log) is removed so
     * the run starts fresh. A directory rotor did not make (no {@value #MARKER} file, not empty) is left alone.
     */
    static Path freshDefaultDir(final Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            final boolean ours = Files.exists(dir.resolve(MARKER));
            try (var entries = Files.list(dir)) {
                if (!ours && entries.findAny().isPresent()) {
                    throw new ConfigException(
                            "--data-dir",
                            dir.toAbsolutePath() + " exists and was "
                                    + "not made by rotor local; remove it or pass --data-dir");
                }
            }
            deleteTree(dir);
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MARKER), "made by rotor local; emptied at its next start\n");
        return dir;
    }

    private static boolean answers(final int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (final IOException e) {
            return false;
        }
    }

    private static void awaitRunning(final RotorService rotor) throws InterruptedException {
        final long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!rotor.allRunning()) {
            if (rotor.anyFailed() || System.nanoTime() > until) {
                throw new IllegalStateException("rotor's Kafka Streams clients did not start");
            }
            Thread.sleep(100);
        }
    }

    private void banner(final RotorConfig cfg, final DevVault vault, final Path tokenFile, final Path log) {
        final String b = cfg.kafka().get("bootstrap.servers");
        out.println();
        out.println("rotor local is running");
        out.println("  Kafka        " + b + "   topics: "
                + String.join(
                        ", ",
                        List.of(
                                cfg.topics().securityEvents(),
                                cfg.topics().rotationResults(),
                                cfg.topics().securityAlerts(),
                                cfg.topics().rotationAudit())));
        out.println("  dev Vault    " + vault.address() + "   token in " + tokenFile + " (this session only)");
        out.println("  rotor HTTP   http://" + cfg.http().bindAddress() + ":"
                + cfg.http().port() + "/health/ready  /metrics  /stats");
        out.println("  secrets      "
                + String.join(
                        " ",
                        LocalSeed.KV.keySet().stream()
                                .sorted()
                                .map(p -> "secret/" + p)
                                .toList()));
        if (log != null) {
            out.println("  full log     " + log);
        }
        out.println();
        out.println("Send an event with kcat:");
        out.println("  printf '{\"event_type\":\"leaked_credential\",\"threat_level\":\"critical\",\"description\":"
                + "\"key in a paste\",\"affected_resources\":[\"secret/prod/payments/db\"],\"timestamp\":\"%s\"}'"
                + " \"$(date -u +%FT%TZ)\" | kcat -P -b " + b + " -t "
                + cfg.topics().securityEvents()
                + " -X topic.partitioner=murmur2_random");
        out.println("or with rotor:");
        out.println("  java -jar target/rotor.jar trigger --bootstrap " + b + " --path secret/prod/payments/db --wait");
        out.println("Watch the results:");
        out.println(
                "  kcat -C -b " + b + " -t " + cfg.topics().rotationResults() + " -X isolation.level=read_committed");
        out.println();
    }

    private static void restrict(final Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (final UnsupportedOperationException | IOException e) {
            // not a POSIX file system: the temp dir's own permissions apply
        }
    }

    private static void deleteTree(final Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (final IOException e) {
            // best effort
        }
    }
}
