package dev.rotor.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TopicsCheck} with an Admin client: {@code describeTopics} in the background, never on a probe.
 *
 * <ol>
 *   <li>Checks at once on {@link #start}, then every {@code notPresentInterval} until every topic exists, then every
 *       {@code presentInterval} (so a deleted topic is noticed too). Probes read the last answer.
 *   <li>Until the first check completes, and whenever the broker cannot be asked, the answer is "unknown" (not ready),
 *       with the reason (the exception class and message of the Admin client, which hold no secret).
 *   <li>Changes of the answer are logged once at INFO.
 *   <li>{@link #close()} stops the checks and closes the Admin client if this check created it.
 * </ol>
 */
public final class AdminTopicsCheck implements TopicsCheck, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminTopicsCheck.class);

    public static final Duration DEFAULT_NOT_PRESENT_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_PRESENT_INTERVAL = Duration.ofSeconds(30);
    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final boolean ownsAdmin;
    private final List<String> topics;
    private final Duration notPresentInterval;
    private final Duration presentInterval;
    private final ScheduledExecutorService scheduler;
    private volatile Result result = Result.unknown("topics not checked yet");

    private AdminTopicsCheck(
            final Admin admin,
            final boolean ownsAdmin,
            final Collection<String> topics,
            final Duration notPresentInterval,
            final Duration presentInterval) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.ownsAdmin = ownsAdmin;
        this.topics = List.copyOf(topics);
        this.notPresentInterval = notPresentInterval;
        this.presentInterval = presentInterval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "rotor-topics-check");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates an Admin client from {@code adminConfig} (bootstrap servers and security settings, e.g.
     * {@code RotorConfig.kafka()}; keys the Admin client does not know are ignored) and starts checking {@code topics}.
     */
    public static AdminTopicsCheck start(
            final Map<String, ?> adminConfig,
            final Collection<String> topics,
            final Duration notPresentInterval,
            final Duration presentInterval) {
        return start(
                Admin.create(new HashMap<String, Object>(adminConfig)),
                true,
                topics,
                notPresentInterval,
                presentInterval);
    }

    /**
     * {@link #start(Map, Collection, Duration, Duration)} with the default intervals (1 s until present, then 30 s).
     */
    public static AdminTopicsCheck start(final Map<String, ?> adminConfig, final Collection<String> topics) {
        return start(adminConfig, topics, DEFAULT_NOT_PRESENT_INTERVAL, DEFAULT_PRESENT_INTERVAL);
    }

    /** Starts checking {@code topics} with {@code admin}; closes it on {@link #close()} when {@code ownsAdmin}. */
    public static AdminTopicsCheck start(
            final Admin admin,
            final boolean ownsAdmin,
            final Collection<String> topics,
            final Duration notPresentInterval,
            final Duration presentInterval) {
        final AdminTopicsCheck check =
                new AdminTopicsCheck(admin, ownsAdmin, topics, notPresentInterval, presentInterval);
        check.scheduler.execute(check::runAndReschedule);
        return check;
    }

    @Override
    public Result result() {
        return result;
    }

    /** The topics checked. */
    public List<String> topics() {
        return topics;
    }

    /** Asks the broker now, on the calling thread, and returns (and keeps) the answer. */
    public Result checkNow() {
        final Result now = describe();
        final Result before = result;
        result = now;
        if (!now.equals(before)) {
            if (now.present()) {
                LOG.info("rotor's topics are present: {}", topics);
            } else if (now.problem() != null) {
                LOG.info("rotor's topics cannot be checked: {}", now.problem());
            } else {
                LOG.info("rotor's topics missing: {}", now.missing());
            }
        }
        return now;
    }

    private void runAndReschedule() {
        Result now;
        try {
            now = checkNow();
        } catch (final RuntimeException e) {
            now = Result.unknown(e.getClass().getSimpleName());
            result = now;
        }
        if (!scheduler.isShutdown()) {
            try {
                final Duration next = now.present() ? presentInterval : notPresentInterval;
                scheduler.schedule(this::runAndReschedule, next.toMillis(), TimeUnit.MILLISECONDS);
            } catch (final RejectedExecutionException closed) {
                // close() raced with us
            }
        }
    }

    private Result describe() {
        if (topics.isEmpty()) {
            return Result.PRESENT;
        }
        final Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(
                        topics, new DescribeTopicsOptions().timeoutMs((int) DESCRIBE_TIMEOUT.toMillis()))
                .topicNameValues();
        final List<String> missing = new ArrayList<>();
        for (final String topic : topics) {
            try {
                futures.get(topic).get(DESCRIBE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
            } catch (final ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add(topic);
                } else {
                    return Result.unknown("cannot describe topic " + topic + ": " + describe(e.getCause()));
                }
            } catch (final TimeoutException e) {
                return Result.unknown("describing topic " + topic + " timed out");
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.unknown("interrupted");
            }
        }
        return Result.missing(missing);
    }

    private static String describe(final Throwable t) {
        return t == null
                ? "unknown error"
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : " (" + t.getMessage() + ")");
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(DESCRIBE_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsAdmin) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
