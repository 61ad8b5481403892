package dev.rotor.cli;

import dev.rotor.config.ConfigException;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.notify.NotifySettings;
import dev.rotor.service.RotorService;
import dev.rotor.topics.Topics;
import dev.rotor.topics.TopicsAdmin;
import dev.rotor.vault.SecretRotator;
import dev.rotor.vault.VaultRotator;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rotor run}: starts rotor's Kafka Streams clients and runs until SIGTERM/SIGINT.
 *
 * <p>The console is for a person: where rotor is reachable, then one line per decision and rotation (at most 20 a
 * second, the rest summed up); the full log goes to {@code rotor.log} in the working directory ({@code --log-file}).
 * {@code --verbose} prints the full log on standard output instead, as containers expect (the image runs it so); a
 * logback configuration given with {@code -Dlogback.configurationFile} is used as it is, like {@code --verbose}.
 */
@Command(
        name = "run",
        description = "Run rotor against a Kafka cluster (config file, then ROTOR_*/KAFKA_*/VAULT_* environment).")
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
    static final Path DEFAULT_LOG_FILE = Path.of("rotor.log");

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "properties file (default: config/application.properties when it exists)")
    Path config;

    @Option(
            names = "--role",
            paramLabel = "ROLE",
            defaultValue = "all",
            description = "all (default), detection or executor: which Kafka Streams clients this instance runs")
    String role;

    @Option(
            names = "--log-file",
            paramLabel = "FILE",
            description = "where the full log goes (default: rotor.log in "
                    + "the working directory; rolled at 50 MB, 5 old files kept)")
    Path logFile;

    @Option(
            names = "--verbose",
            description = "print the full log on standard output instead of a summary for people "
                    + "(also to --log-file when given)")
    boolean verbose;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws InterruptedException {
        final RotorService.Role r = parseRole(role);
        final boolean forPeople = !verbose && !Logging.operatorConfigured();
        final Path log = logFile != null ? logFile : DEFAULT_LOG_FILE;
        if (forPeople) {
            Logging.forPeople(log);
        } else {
            Logging.verbose(logFile);
        }
        final RotorConfig cfg = ConfigLoader.load(configFile(config), System.getenv(), Map.of());
        // Vault credentials and rotation targets are checked before anything waits for Kafka; a dry run needs none
        final SecretRotator rotator = r == RotorService.Role.DETECTION ? null : RotorService.rotator(cfg);
        if (rotator instanceof VaultRotator vault) {
            // a token Vault refuses is a configuration error (exit 2); an unreachable Vault is an outage: start anyway
            vault.client().verifyAtStartup();
        }
        // a notification sink without its credential is a configuration error too (exit 2)
        NotifySettings.from(cfg, System.getenv());
        if (forPeople) {
            out.println("rotor run (" + r.name().toLowerCase(Locale.ROOT) + "): waiting for Kafka at "
                    + cfg.kafka().get("bootstrap.servers") + " and rotor's topics (rotor topics --create makes them);"
                    + " full log in " + log);
        }
        try (TopicsAdmin admin = new TopicsAdmin(cfg)) {
            admin.awaitTopics(new Topics(cfg).namesBeforeStart(), Duration.ofDays(365));
        }
        final RotorService service = RotorService.startWithEndpoints(cfg, r, rotator);
        if (forPeople) {
            banner(cfg, r, service);
        }
        final ConsoleFeed feed = forPeople ? ConsoleFeed.start(cfg, r, out) : null;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("Stopping rotor");
                            if (feed != null) {
                                feed.close();
                                out.println("rotor run: stopping (clients close, state is kept)");
                            }
                            service.close(CLOSE_TIMEOUT);
                            // a signal-initiated exit would report 143; a clean stop is 0 (the clients are closed,
                            // state is kept)
                            Runtime.getRuntime()
                                    .halt(service.anyFailed() ? RotorCommand.EXIT_RUNTIME : RotorCommand.EXIT_OK);
                        },
                        "rotor-shutdown"));
        LOG.info(
                "rotor started ({}): reading {}",
                r.name().toLowerCase(Locale.ROOT),
                r == RotorService.Role.EXECUTOR
                        ? cfg.topics().rotationCommands()
                        : cfg.topics().securityEvents());
        service.awaitStop();
        return service.anyFailed() ? RotorCommand.EXIT_RUNTIME : RotorCommand.EXIT_OK;
    }

    private void banner(final RotorConfig cfg, final RotorService.Role r, final RotorService service) {
        out.println();
        out.println("rotor started (" + r.name().toLowerCase(Locale.ROOT)
                + "); /health/ready answers 200 once it is RUNNING");
        out.println("  clients      " + String.join(", ", service.clients().keySet())
                + (cfg.dryRun() ? "   DRY RUN: nothing is rotated in Vault" : ""));
        out.println("  Kafka        " + cfg.kafka().get("bootstrap.servers") + "   reading "
                + (r == RotorService.Role.EXECUTOR
                        ? cfg.topics().rotationCommands()
                        : cfg.topics().securityEvents()));
        if (r != RotorService.Role.DETECTION) {
            out.println("  Vault        "
                    + (cfg.dryRun()
                            ? "not used (rotor.dry-run=true)"
                            : cfg.vault().addr()));
        }
        out.println("  rotor HTTP   http://" + cfg.http().bindAddress() + ":" + service.httpPort()
                + "/health/ready  /metrics  /stats");
        out.println("Decisions and rotations appear below as they happen; SIGTERM or Ctrl-C stops rotor.");
        out.println();
    }

    static RotorService.Role parseRole(final String role) {
        try {
            return RotorService.Role.valueOf(role.trim().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new ConfigException("--role", "must be all, detection or executor, got '" + role + "'");
        }
    }

    static Optional<Path> configFile(final Path given) {
        if (given != null) {
            return Optional.of(given);
        }
        final Path dflt = Path.of("config", "application.properties");
        return Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
    }
}
