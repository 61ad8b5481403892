package dev.rotor.cli;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.detection.DetectionTopology;
import dev.rotor.streams.StreamsSettings;
import dev.rotor.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
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

    @Override
    public Integer call() throws InterruptedException {
        final RotorConfig cfg = ConfigLoader.load(configFile(config), System.getenv(), Map.of());
        final Topics topics = new Topics(cfg);
        final StreamsBuilder builder = new StreamsBuilder();
        DetectionTopology.build(builder, cfg, topics);
        final Properties props = StreamsSettings.forApplication(cfg, topics, DetectionTopology.APPLICATION_ID);
        final KafkaStreams detection = new KafkaStreams(builder.build(props), props);
        detection.setUncaughtExceptionHandler(e -> {
            LOG.error("Stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        final CountDownLatch stopped = new CountDownLatch(1);
        detection.setStateListener((now, before) -> {
            LOG.info("{}: {} -> {}", DetectionTopology.APPLICATION_ID, before, now);
            if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
                stopped.countDown();
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("Stopping rotor");
            detection.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                    .withTimeout(CLOSE_TIMEOUT));
            stopped.countDown();
        }, "rotor-shutdown"));
        detection.start();
        LOG.info("rotor started: detection reading {}", cfg.topics().securityEvents());
        stopped.await();
        return detection.state() == KafkaStreams.State.ERROR ? RotorCommand.EXIT_RUNTIME : RotorCommand.EXIT_OK;
    }

    static Optional<Path> configFile(final Path given) {
        if (given != null) {
            return Optional.of(given);
        }
        final Path dflt = Path.of("config", "application.properties");
        return Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
    }
}
