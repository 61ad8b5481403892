package dev.rotor.cli;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.topics.TopicsAdmin;
import dev.rotor.vault.VaultRotator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rotor run}: starts rotor's Kafka Streams clients and runs until SIGTERM/SIGINT. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run rotor against a Kafka cluster (config file, then ROTOR_*/KAFKA_*/VAULT_* environment).")
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--config", paramLabel = "FILE",
            description = "properties file (default: config/application.properties when it exists)")
    Path config;

    @Option(names = "--role", paramLabel = "ROLE", defaultValue = "all",
            description = "all (default), detection or executor: which Kafka Streams clients this instance runs")
    String role;

    @Override
    public Integer call() throws InterruptedException {
        final RotorService.Role r = parseRole(role);
        final RotorConfig cfg = ConfigLoader.load(configFile(config), System.getenv(), Map.of());
        // Vault credentials and rotation targets are checked before anything waits for Kafka
        final VaultRotator rotator = r == RotorService.Role.DETECTION ? null : VaultRotator.fromConfig(cfg);
        if (rotator != null) {
            // a token Vault refuses is a configuration error (exit 2); an unreachable Vault is an outage: start anyway
            rotator.client().verifyAtStartup();
            // a notification sink without its credential is a configuration error too (exit 2)
            dev.rotor.notify.NotifySettings.from(cfg, System.getenv());
        }
        try (TopicsAdmin admin = new TopicsAdmin(cfg)) {
            admin.awaitTopics(admin.topicNames(), Duration.ofDays(365));
        }
        final RotorService service = RotorService.startWithEndpoints(cfg, r, rotator);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping rotor");
            service.close(CLOSE_TIMEOUT);
            // a signal-initiated exit would report 143; a clean stop is 0 (the clients are closed, state is kept)
            Runtime.getRuntime().halt(service.anyFailed() ? RotorCommand.EXIT_RUNTIME : RotorCommand.EXIT_OK);
        }, "rotor-shutdown"));
        LOG.info("rotor started ({}): reading {}", r.name().toLowerCase(java.util.Locale.ROOT),
                r == RotorService.Role.EXECUTOR ? cfg.topics().rotationCommands() : cfg.topics().securityEvents());
        service.awaitStop();
        return service.anyFailed() ? RotorCommand.EXIT_RUNTIME : RotorCommand.EXIT_OK;
    }

    static RotorService.Role parseRole(final String role) {
        try {
            return RotorService.Role.valueOf(role.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new dev.rotor.config.ConfigException("--role", "must be all, detection or executor, got '" + role + "'");
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
