package dev.rotor.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.ConfigException;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.local.DevVault;
import dev.rotor.local.LocalKafka;
import dev.rotor.local.LocalSeed;
import dev.rotor.service.RotorService;
import dev.rotor.topics.Producers;
import dev.rotor.topics.TopicsAdmin;
import dev.rotor.vault.VaultRotator;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
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
        mixinStandardHelpOptions = true,
        description = "Run Kafka, a dev Vault and rotor on this machine, with nothing to install or configure.")
public final class LocalCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEMO_TIMEOUT = Duration.ofMinutes(2);
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
                    final boolean allRotated = new Demo(cfg, out).play();
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

    /** The original implementation's five examples, sent as JSON events, followed as they happen. */
    static final class Demo {
        private record Example(String name, List<String> paths, List<byte[]> events) {}

        private final RotorConfig cfg;
        private final PrintStream out;

        Demo(final RotorConfig cfg, final PrintStream out) {
            this.cfg = cfg;
            this.out = out;
        }

        boolean play() throws Exception {
            final Instant now = Instant.now();
            final List<Example> examples = new ArrayList<>();
            examples.add(new Example(
                    "manual trigger",
                    List.of("secret/prod/manual"),
                    List.of(event(
                            "demo-manual",
                            "manual_trigger",
                            "low",
                            "operator asked for a rotation",
                            now,
                            Map.of(),
                            "secret/prod/manual"))));
            examples.add(new Example(
                    "API key exposed",
                    List.of("secret/prod/api-key"),
                    List.of(event(
                            "demo-api-key",
                            "api_key_exposed",
                            "critical",
                            "API key found in public GitHub repository",
                            now,
                            Map.of("repository", "acme/website"),
                            "secret/prod/api-key"))));
            examples.add(new Example(
                    "brute force",
                    List.of("secret/prod/admin"),
                    List.of(event(
                            "demo-brute-force",
                            "brute_force_attack",
                            "high",
                            "Brute force attack detected on admin account",
                            now,
                            Map.of("attempt_count", "150"),
                            "secret/prod/admin"))));
            final List<String> three =
                    List.of("secret/prod/aws-keys", "secret/prod/stripe-key", "secret/prod/slack-token");
            examples.add(new Example(
                    "multiple secrets",
                    three,
                    List.of(event(
                            "demo-multiple",
                            "leaked_credential",
                            "critical",
                            "Multiple credentials leaked in a public paste",
                            now,
                            Map.of(),
                            three.toArray(String[]::new)))));
            final List<byte[]> failures = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                failures.add(event(
                        "demo-failed-auth-" + i,
                        "failed_auth_spike",
                        "medium",
                        "failed login for svc-login",
                        now.minus(Duration.ofSeconds(5L * (9 - i))),
                        Map.of("failed_count", "1"),
                        "secret/prod/login-service"));
            }
            examples.add(new Example("failed-auth spike (10 events)", List.of("secret/prod/login-service"), failures));

            final Set<String> demoPaths = new HashSet<>();
            examples.forEach(e -> demoPaths.addAll(e.paths()));
            final Map<String, RotationResult> results = new LinkedHashMap<>();
            out.println("Playing the demo:");
            try (Outputs outputs = new Outputs(
                            cfg,
                            List.of(cfg.topics().rotationAudit(), cfg.topics().rotationResults()));
                    KafkaProducer<byte[], byte[]> producer = Producers.bytes(cfg)) {
                for (final Example e : examples) {
                    out.printf("  -> %s: %d event(s)%n", e.name(), e.events().size());
                    for (final byte[] ev : e.events()) {
                        producer.send(new ProducerRecord<>(cfg.topics().securityEvents(), ev), (md, failed) -> {
                            if (failed != null) {
                                out.printf("     could not send an event of %s: %s%n", e.name(), failed);
                            }
                        });
                    }
                }
                producer.flush();
                final long until = System.nanoTime() + DEMO_TIMEOUT.toNanos();
                long drainUntil = Long.MAX_VALUE;
                while (System.nanoTime() < Math.min(until, drainUntil)) {
                    if (results.size() == demoPaths.size() && drainUntil == Long.MAX_VALUE) {
                        drainUntil = System.nanoTime() + Duration.ofMillis(500).toNanos(); // the last decisions
                    }
                    outputs.poll(Duration.ofMillis(100), (topic, value) -> {
                        if (topic.equals(cfg.topics().rotationResults())) {
                            final RotationResult r = outputs.decode(value, RotationResult.class);
                            if (demoPaths.contains(r.getSecretPath())) {
                                results.put(r.getSecretPath(), r);
                                out.println(ConsoleFormat.rotation(r));
                            }
                        } else {
                            final AuditRecord a = outputs.decode(value, AuditRecord.class);
                            if (a.getSecretPath() != null
                                    && demoPaths.contains(a.getSecretPath())
                                    && a.getDecision().compareTo(AuditDecision.ROTATION_STARTED) < 0) {
                                out.println(ConsoleFormat.decision(a));
                            }
                        }
                    });
                }
            }
            out.println();
            out.println(ConsoleFormat.tableHeader());
            boolean allRotated = true;
            for (final Example e : examples) {
                for (final String p : e.paths()) {
                    final RotationResult r = results.get(p);
                    allRotated &= r != null && r.getSuccess();
                    out.println(ConsoleFormat.tableRow(e.name(), p, r));
                }
            }
            out.printf(
                    "%n%d of %d secrets rotated%n",
                    results.values().stream().filter(RotationResult::getSuccess).count(), demoPaths.size());
            return allRotated && results.size() == demoPaths.size();
        }

        private static byte[] event(
                final String id,
                final String type,
                final String level,
                final String description,
                final Instant at,
                final Map<String, String> metadata,
                final String... paths) {
            final ObjectNode e = JSON.createObjectNode();
            e.put("event_id", id + "-" + at.toEpochMilli());
            e.put("event_type", type);
            e.put("threat_level", level);
            e.put("description", description);
            final var resources = e.putArray("affected_resources");
            for (final String p : paths) {
                resources.add(p);
            }
            e.put("source_ip", "203.0.113.50");
            e.put("timestamp", at.toString());
            final ObjectNode m = e.putObject("metadata");
            metadata.forEach(m::put);
            return e.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
