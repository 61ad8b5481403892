package dev.rotor.rotation;

import dev.rotor.avro.Notification;
import dev.rotor.streams.Alarm;
import dev.rotor.streams.Telemetry;
import dev.rotor.topics.Topic;
import dev.rotor.vault.VaultClient;
import dev.rotor.vault.VaultTokenRenewer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps rotor's Vault credentials alive and says so when they fail: runs the {@link VaultTokenRenewer}, and polls the
 * client's authentication health. While Vault refuses rotor (or cannot be reached) the {@link Alarm#VAULT_AUTH} alarm
 * is raised — readiness answers 503 naming the problem — and one critical notification per failure (not one per poll)
 * goes to security-critical, because every rotation would fail until a person fixes the credentials. Cleared when
 * authentication works again. Runs beside the Kafka Streams clients; never on a stream thread.
 */
public final class VaultAuthWatch implements AutoCloseable {
    static final Duration POLL_EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(VaultAuthWatch.class);

    private final VaultClient client;
    private final Telemetry telemetry;
    private final Topic<String, Notification> critical;
    private final Producer<byte[], byte[]> producer;
    private final VaultTokenRenewer renewer;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "rotor-vault-auth-watch");
        t.setDaemon(true);
        return t;
    });
    private String alerted;

    public VaultAuthWatch(
            final VaultClient client,
            final Telemetry telemetry,
            final Topic<String, Notification> critical,
            final Producer<byte[], byte[]> producer) {
        this.client = client;
        this.telemetry = telemetry;
        this.critical = critical;
        this.producer = producer;
        this.renewer = new VaultTokenRenewer(client);
    }

    public VaultAuthWatch start() {
        renewer.start();
        poller.scheduleWithFixedDelay(this::poll, 0, POLL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    void poll() {
        try {
            final Optional<String> problem = client.authHealth().problem();
            if (problem.isEmpty()) {
                if (alerted != null) {
                    LOG.info("Vault authentication works again");
                }
                alerted = null;
                telemetry.clearAlarm(Alarm.VAULT_AUTH);
                return;
            }
            telemetry.alarm(Alarm.VAULT_AUTH, problem.get(), null);
            if (alerted == null) {
                alerted = problem.get();
                LOG.error("CRITICAL {}: rotations will fail until rotor's Vault credentials work", problem.get());
                producer.send(
                        new ProducerRecord<>(
                                critical.name(),
                                null,
                                "vault".getBytes(StandardCharsets.UTF_8),
                                critical.valueSerde()
                                        .serializer()
                                        .serialize(critical.name(), notification(problem.get()))),
                        (metadata, e) -> {
                            if (e != null) {
                                LOG.error(
                                        "CRITICAL the Vault authentication alert could not be published to {} ({})",
                                        critical.name(),
                                        e.getClass().getSimpleName());
                            }
                        });
            }
        } catch (final RuntimeException e) {
            LOG.warn("Vault authentication watch failed ({})", e.getClass().getSimpleName());
        }
    }

    static Notification notification(final String problem) {
        return Notification.newBuilder()
                .setChannel(Notifications.CRITICAL_CHANNEL)
                .setPriority("critical")
                .setMessage("🚨 VAULT AUTHENTICATION FAILING 🚨\n\n"
                        + "Error: " + problem + "\n"
                        + "Every rotation will fail until rotor's Vault credentials work again.\n\n"
                        + "IMMEDIATE ACTION REQUIRED!")
                .setMetadata(Map.of("problem", problem))
                .setCreatedAt(Instant.now())
                .build();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        renewer.close();
        producer.close(Duration.ofSeconds(5));
        telemetry.clearAlarm(Alarm.VAULT_AUTH);
    }
}
