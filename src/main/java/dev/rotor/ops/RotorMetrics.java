package dev.rotor.ops;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.Indicator;
import dev.rotor.avro.ResultStatus;
import dev.rotor.config.RotationTargets;
import dev.rotor.events.InvalidEventException;
import dev.rotor.streams.Alarm;
import dev.rotor.streams.Telemetry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rotor's meters, in one Micrometer registry that {@code /metrics} renders in the Prometheus text format.
 *
 * <ol>
 *   <li><b>What it holds.</b> Kafka Streams' own metrics of every client bound with {@link #bindStreams}
 *       ({@code kafka_stream_*}, {@code kafka_consumer_*}, ... tagged {@code application_id}); the JVM and process
 *       (memory, GC, threads, class loading, CPU, uptime, open files); rotor's meters below; and, once
 *       {@link #bindStatistics} is called, DESIGN.md §6's statistics as {@code rotor_stats_*} gauges.
 *   <li><b>rotor's meters</b> (Prometheus names): {@value #DECISIONS}{@code _total{decision,event_type}},
 *       {@value #COMMANDS}{@code _total{rule}}, {@value #RESULTS}{@code _total{status,strategy}} (FAILED and
 *       ROTATED_INCOMPLETE of every strategy present at 0 from the start, so alerts see the first one),
 *       {@value #VAULT_CALL}{@code _seconds{strategy,outcome}} (timer with SLO buckets),
 *       {@value #DETECTION_TO_RESULT}{@code _seconds} (timer with a percentile histogram plus SLO buckets 50 ms .. 5
 *       s), {@value #LATE_EVENTS}{@code _total}, {@value #INVALID_EVENTS}{@code _total{code}},
 *       {@value #NOTIFICATIONS}{@code _total{sink,outcome}}, and {@value #STREAMS_RUNNING}{@code {application_id}} (1
 *       while that client is RUNNING), and once {@link #bindPendingRotations} is called {@value #PENDING_ROTATIONS}
 *       (commands accepted by the executor and not finished). In Micrometer the names are dotted
 *       ({@code rotor.decisions}).
 *   <li><b>Bounded label values.</b> Every tag value is mapped onto a closed set, so a hostile or broken producer
 *       cannot create unbounded time series: {@code event_type} to the indicator names of {@code Indicator.avsc} (any
 *       case) or {@code other}; {@code decision} to {@code AuditDecision} symbols, {@code status} to
 *       {@code ResultStatus}, {@code strategy} to {@link RotationTargets#STRATEGIES} or {@code none}, {@code code} to
 *       {@link InvalidEventException.Code}, each else {@code other}; {@code rule} and {@code outcome} are lower-cased
 *       to {@code [a-z0-9_.-]}, at most {@value #MAX_FREE_LENGTH} characters, and at most {@value #MAX_FREE_VALUES}
 *       distinct values each (later ones become {@code other}). Nothing else, and never a secret path or value, is used
 *       as a tag.
 *   <li><b>Threads.</b> Every method may be called from any thread (stream threads, rotation workers, HTTP).
 *   <li><b>Without HTTP.</b> Nothing here needs the HTTP server; {@link #forTests()} gives an isolated in-memory
 *       registry without JVM binders, whose meters tests read through {@link #registry()}.
 *   <li><b>Limits.</b> rotor's own counters live in memory and restart from zero with the process (Prometheus'
 *       {@code rate()} handles that); the restart-proof totals are the {@code rotor_stats_*} gauges.
 * </ol>
 */
public final class RotorMetrics implements AutoCloseable, Telemetry {
    private static final Logger LOG = LoggerFactory.getLogger(RotorMetrics.class);

    public static final String DECISIONS = "rotor.decisions";
    public static final String COMMANDS = "rotor.commands";
    public static final String RESULTS = "rotor.results";
    public static final String VAULT_CALL = "rotor.vault.call";
    public static final String DETECTION_TO_RESULT = "rotor.detection.to.result";
    public static final String LATE_EVENTS = "rotor.late.events";
    public static final String INVALID_EVENTS = "rotor.invalid.events";
    public static final String STREAMS_RUNNING = "rotor.streams.running";
    public static final String ALARM = "rotor.alarm";
    public static final String THREAD_REPLACEMENTS = "rotor.stream.thread.replacements";
    public static final String AWAITING_REGISTRY = "rotor.records.awaiting.registry";
    public static final String OUTPUTS_REFUSED = "rotor.outputs.refused";
    /** Notification sinks' deliveries: {@code rotor_notifications_total{sink,outcome}}. */
    public static final String NOTIFICATIONS = "rotor.notifications";

    public static final String PENDING_ROTATIONS = "rotor.pending.rotations";
    /** The executor's limit on rotations in flight, as it adapts to Vault ({@code rotor_rotations_in_flight_limit}). */
    public static final String IN_FLIGHT_LIMIT = "rotor.rotations.in.flight.limit";
    /** Rotations a worker is running now ({@code rotor_rotations_in_flight}). */
    public static final String IN_FLIGHT = "rotor.rotations.in.flight";
    /** Rotations handed to the workers and waiting for a slot ({@code rotor_rotations_waiting}). */
    public static final String WAITING = "rotor.rotations.waiting";
    /** Prefix of the statistics gauges: {@code rotor.stats.total_events} is {@code rotor_stats_total_events}. */
    public static final String STATS_PREFIX = "rotor.stats.";

    /** The value of a tag outside its closed set. */
    public static final String OTHER = "other";

    static final int MAX_FREE_VALUES = 32;
    static final int MAX_FREE_LENGTH = 48;

    /** How often new Kafka client metrics (threads, tasks appearing after a rebalance) are picked up. */
    public static final Duration DEFAULT_KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

    private static final Duration[] DETECTION_TO_RESULT_SLOS = millis(50, 100, 250, 500, 1000, 2500, 5000);
    private static final Duration[] VAULT_CALL_SLOS = millis(5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000);

    private static final Set<String> INDICATORS =
            Arrays.stream(Indicator.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> DECISION_VALUES =
            Arrays.stream(AuditDecision.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> STATUSES =
            Arrays.stream(ResultStatus.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());
    private static final Set<String> SINKS = Set.of("slack", "pagerduty");
    private static final Set<String> DELIVERY_OUTCOMES = Set.of("delivered", "failed", "retried", "duplicate");
    private static final Set<String> INVALID_CODES =
            Arrays.stream(InvalidEventException.Code.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final Duration kafkaMetricsRefresh;
    private final List<AutoCloseable> jvmBinders = new ArrayList<>();
    private final Map<String, KafkaStreamsMetrics> streamsBinders = new LinkedHashMap<>();
    private final ScheduledExecutorService kafkaMetricsScheduler;
    private final Map<Tags, Counter> decisions = new ConcurrentHashMap<>();
    private final Map<Tags, Counter> commands = new ConcurrentHashMap<>();
    private final Map<Tags, Counter> results = new ConcurrentHashMap<>();
    private final Map<Tags, Timer> vaultCalls = new ConcurrentHashMap<>();
    private final Map<Tags, Counter> invalids = new ConcurrentHashMap<>();
    private final Map<Tags, Counter> notifications = new ConcurrentHashMap<>();
    private final Set<String> rules = ConcurrentHashMap.newKeySet();
    private final Set<String> outcomes = ConcurrentHashMap.newKeySet();
    private final Timer detectionToResult;
    private final Counter lateEvents;
    private final Counter outputsRefused;
    private final Map<String, Counter> threadReplacements = new ConcurrentHashMap<>();
    private final Map<Alarm, Raised> alarms = new ConcurrentHashMap<>();
    private final Map<String, Long> awaitingRegistry = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private boolean statisticsBound;
    private boolean closed;

    private RotorMetrics(
            final MeterRegistry registry,
            final PrometheusMeterRegistry prometheus,
            final boolean jvm,
            final Duration kafkaMetricsRefresh) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.kafkaMetricsRefresh = kafkaMetricsRefresh;
        this.kafkaMetricsScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "rotor-kafka-metrics");
            t.setDaemon(true);
            return t;
        });
        if (jvm) {
            bindJvm();
        }
        detectionToResult = Timer.builder(DETECTION_TO_RESULT)
                .description("Time from the triggering event's arrival in rotor to the rotation result")
                .publishPercentileHistogram()
                .serviceLevelObjectives(DETECTION_TO_RESULT_SLOS)
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry);
        lateEvents = Counter.builder(LATE_EVENTS)
                .description("Events that arrived after the grace period and were not counted")
                .register(registry);
        outputsRefused = Counter.builder(OUTPUTS_REFUSED)
                .description("Output records not written because they would exceed the producer's limit")
                .register(registry);
        for (final Alarm alarm : Alarm.values()) {
            Gauge.builder(ALARM, this, m -> m.activeAlarms().containsKey(alarm) ? 1 : 0)
                    .description("1 while the alarm is raised (readiness then answers 503 naming it)")
                    .tag("alarm", alarm.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        Gauge.builder(
                        AWAITING_REGISTRY,
                        awaitingRegistry,
                        m -> m.values().stream().mapToLong(Long::longValue).sum())
                .description("Avro input records waiting for the schema registry on this instance")
                .register(registry);
        // The results that page a person exist at 0 from the start: Prometheus' increase() cannot see the first
        // increment of a series that appears with it, so an alert on a lazily created counter missed the first
        // failed rotation after every start (ops/prometheus/rotor-alerts.yml, RotorRotationFailed).
        for (final String strategy : RotationTargets.STRATEGIES) {
            for (final ResultStatus status : List.of(ResultStatus.FAILED, ResultStatus.ROTATED_INCOMPLETE)) {
                resultCounter(Tags.of("status", status.name(), "strategy", strategy));
            }
        }
    }

    /** An alarm's one-line problem and when it lapses on its own ({@code Long.MAX_VALUE}: never). */
    private record Raised(String problem, long expiresAtMillis) {}

    /**
     * The production instance: a Prometheus registry with the JVM and process binders, Kafka client metrics refreshed
     * every {@link #DEFAULT_KAFKA_METRICS_REFRESH}.
     */
    public static RotorMetrics create() {
        return create(DEFAULT_KAFKA_METRICS_REFRESH);
    }

    /** Like {@link #create()}, picking up new Kafka client metrics every {@code kafkaMetricsRefresh}. */
    public static RotorMetrics create(final Duration kafkaMetricsRefresh) {
        final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        return new RotorMetrics(prometheus, prometheus, true, kafkaMetricsRefresh);
    }

    /** An isolated in-memory instance (SimpleMeterRegistry, no JVM binders, no Prometheus text) for tests. */
    public static RotorMetrics forTests() {
        return new RotorMetrics(new SimpleMeterRegistry(), null, false, DEFAULT_KAFKA_METRICS_REFRESH);
    }

    /** The underlying registry, e.g. to read a meter in a test or to bind more meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** True when {@link #scrape()} can render the Prometheus text format (not for {@link #forTests()}). */
    public boolean canScrape() {
        return prometheus != null;
    }

    /**
     * Every meter in the Prometheus text format 0.0.4.
     *
     * @throws UnsupportedOperationException for an instance without a Prometheus registry
     */
    public String scrape() {
        if (prometheus == null) {
            throw new UnsupportedOperationException("this RotorMetrics has no Prometheus registry");
        }
        return prometheus.scrape();
    }

    // ---------------------------------------------------------------- Kafka Streams and statistics

    /**
     * Binds Kafka Streams' metrics of {@code streams} (tagged {@code application_id}) and a {@value #STREAMS_RUNNING}
     * gauge for it. Call it before or after {@code start()}; metrics that appear later (threads, tasks) are picked up
     * at the next refresh. Binding the same application id again replaces the binder.
     */
    public void bindStreams(final String applicationId, final KafkaStreams streams) {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(streams, "streams");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("RotorMetrics is closed");
            }
            unbindStreams(applicationId);
            final KafkaStreamsMetrics binder = new KafkaStreamsMetrics(
                    streams, Tags.of("application.id", applicationId), kafkaMetricsScheduler, kafkaMetricsRefresh);
            binder.bindTo(registry);
            streamsBinders.put(applicationId, binder);
            replacementCounter(applicationId);
            Gauge.builder(STREAMS_RUNNING, streams, s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                    .description("1 while the Kafka Streams client is RUNNING, else 0")
                    .tag("application_id", applicationId)
                    .strongReference(true)
                    .register(registry);
        }
    }

    /**
     * Binds every client of {@code clients} (application id → client), see {@link #bindStreams(String, KafkaStreams)}.
     */
    public void bindStreams(final Map<String, KafkaStreams> clients) {
        clients.forEach(this::bindStreams);
    }

    /** Closes the binder of {@code applicationId} and removes its meters; nothing when it is not bound. */
    public void unbindStreams(final String applicationId) {
        synchronized (lock) {
            final KafkaStreamsMetrics binder = streamsBinders.remove(applicationId);
            if (binder != null) {
                binder.close();
                // a refresh that was running while the binder closed may have added meters back
                registry.getMeters().stream()
                        .filter(m -> applicationId.equals(m.getId().getTag("application.id")))
                        .toList()
                        .forEach(registry::remove);
                final Gauge running = registry.find(STREAMS_RUNNING)
                        .tag("application_id", applicationId)
                        .gauge();
                if (running != null) {
                    registry.remove(running);
                }
            }
        }
    }

    /**
     * Publishes DESIGN.md §6's statistics as gauges {@code rotor_stats_<name>} (e.g. {@code rotor_stats_total_events},
     * {@code rotor_stats_success_rate}, 0 to 1) plus {@code rotor_stats_complete} (1 when every store could be read).
     * One scrape reads the stores once: the snapshot is reused for {@code maxAge}. Values come from this instance's
     * state stores, so they survive restarts; while a client rebalances a store's share may be missing (complete = 0).
     * Call once.
     */
    public void bindStatistics(final Statistics statistics, final Duration maxAge) {
        Objects.requireNonNull(statistics, "statistics");
        synchronized (lock) {
            if (statisticsBound) {
                throw new IllegalStateException("statistics are already bound");
            }
            statisticsBound = true;
        }
        final CachedSnapshot cache = new CachedSnapshot(statistics, maxAge);
        for (final String name : Statistics.COUNTERS) {
            Gauge.builder(STATS_PREFIX + name, cache, c -> c.get().get(name))
                    .description("DESIGN.md §6 statistic " + name + ", from the state stores of this instance")
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder(
                        STATS_PREFIX + Statistics.SUCCESS_RATE,
                        cache,
                        c -> c.get().successRate())
                .description("successful_rotations / (successful_rotations + failed_rotations), 0 to 1, 0 when none")
                .strongReference(true)
                .register(registry);
        Gauge.builder(STATS_PREFIX + Statistics.COMPLETE, cache, c -> c.get().complete() ? 1 : 0)
                .description("1 when every statistics store of this instance could be read, 0 while rebalancing")
                .strongReference(true)
                .register(registry);
    }

    /**
     * Publishes the executor's worker gauges: {@value #IN_FLIGHT_LIMIT}, {@value #IN_FLIGHT} and {@value #WAITING}.
     * Call once per instance that runs an executor.
     */
    public void bindRotationWorkers(final IntSupplier limit, final IntSupplier inFlight, final IntSupplier waiting) {
        Gauge.builder(IN_FLIGHT_LIMIT, limit, IntSupplier::getAsInt)
                .description("How many rotations this instance may have in flight now: grows while Vault answers"
                        + " cleanly and work waits, halves when Vault pushes back, at most rotor.executor.parallelism")
                .strongReference(true)
                .register(registry);
        Gauge.builder(IN_FLIGHT, inFlight, IntSupplier::getAsInt)
                .description("Rotations a worker thread of this instance is running now")
                .strongReference(true)
                .register(registry);
        Gauge.builder(WAITING, waiting, IntSupplier::getAsInt)
                .description("Rotations handed to this instance's workers and waiting for a free slot")
                .strongReference(true)
                .register(registry);
    }

    /**
     * Publishes {@value #PENDING_ROTATIONS} ({@code rotor_pending_rotations}): the rotation commands the executor
     * client {@code executor} has accepted and not finished, queued or in flight, read from its pending store at most
     * once a second; NaN while the store cannot be read. Call once, for the executor client.
     */
    public void bindPendingRotations(final KafkaStreams executor) {
        Objects.requireNonNull(executor, "executor");
        Gauge.builder(
                        PENDING_ROTATIONS,
                        new PendingRotations(executor, Duration.ofSeconds(1)),
                        PendingRotations::getAsDouble)
                .description("Rotation commands accepted by this instance's executor and not finished (queued or in "
                        + "flight); NaN while its store cannot be read")
                .strongReference(true)
                .register(registry);
    }

    /** {@link #bindStatistics(Statistics, Duration)} with a one-second snapshot age. */
    public void bindStatistics(final Statistics statistics) {
        bindStatistics(statistics, Duration.ofSeconds(1));
    }

    // ---------------------------------------------------------------- rotor's own meters

    /** A detection decision ({@code AuditDecision} symbol, any case) for an event of {@code eventType}. */
    @Override
    public void decision(final String decision, final String eventType) {
        final Tags tags = Tags.of(
                "decision",
                closed(upper(decision), DECISION_VALUES),
                "event_type",
                closed(lower(eventType), INDICATORS));
        decisions
                .computeIfAbsent(
                        tags,
                        t -> Counter.builder(DECISIONS)
                                .description("Detection decisions by decision and event type")
                                .tags(t)
                                .register(registry))
                .increment();
    }

    /** A rotation command published by {@code rule}. */
    @Override
    public void command(final String rule) {
        final Tags tags = Tags.of("rule", free(rule, rules));
        commands.computeIfAbsent(
                        tags,
                        t -> Counter.builder(COMMANDS)
                                .description("Rotation commands published, by rule")
                                .tags(t)
                                .register(registry))
                .increment();
    }

    /** A rotation result ({@code ResultStatus} symbol, any case) of {@code strategy}. */
    @Override
    public void result(final String status, final String strategy) {
        final Tags tags = Tags.of("status", closed(upper(status), STATUSES), "strategy", strategy(strategy));
        resultCounter(tags).increment();
    }

    private Counter resultCounter(final Tags tags) {
        return results.computeIfAbsent(
                tags,
                t -> Counter.builder(RESULTS)
                        .description("Rotation results by status and strategy")
                        .tags(t)
                        .register(registry));
    }

    /** One Vault HTTP call of {@code strategy} that ended with {@code outcome} (e.g. ok, error, timeout). */
    @Override
    public void vaultCall(final String strategy, final String outcome, final Duration duration) {
        final Tags tags = Tags.of("strategy", strategy(strategy), "outcome", free(outcome, outcomes));
        vaultCalls
                .computeIfAbsent(
                        tags,
                        t -> Timer.builder(VAULT_CALL)
                                .description("Vault HTTP call latency by strategy and outcome")
                                .serviceLevelObjectives(VAULT_CALL_SLOS)
                                .tags(t)
                                .register(registry))
                .record(nonNegative(duration));
    }

    /** Time from the triggering event's arrival to the rotation result. */
    @Override
    public void detectionToResult(final Duration duration) {
        detectionToResult.record(nonNegative(duration));
    }

    /** An event that arrived after the grace period. */
    @Override
    public void lateEvent() {
        lateEvents.increment();
    }

    /** An event refused as invalid, with its {@link InvalidEventException.Code} name (any case). */
    @Override
    public void invalidEvent(final String code) {
        final Tags tags = Tags.of("code", closed(upper(code), INVALID_CODES));
        invalids.computeIfAbsent(
                        tags,
                        t -> Counter.builder(INVALID_EVENTS)
                                .description("Events refused as invalid (dead-lettered), by error code")
                                .tags(t)
                                .register(registry))
                .increment();
    }

    /**
     * A notification sink's delivery outcome: {@code sink} slack or pagerduty, {@code outcome} delivered, failed,
     * retried (one more attempt) or duplicate (a redelivery not sent again); anything else is {@code other}.
     */
    public void notification(final String sink, final String outcome) {
        final Tags tags =
                Tags.of("sink", closed(lower(sink), SINKS), "outcome", closed(lower(outcome), DELIVERY_OUTCOMES));
        notifications
                .computeIfAbsent(
                        tags,
                        t -> Counter.builder(NOTIFICATIONS)
                                .description("Notification deliveries to Slack/PagerDuty by sink and outcome")
                                .tags(t)
                                .register(registry))
                .increment();
    }

    // ---------------------------------------------------------------- alarms (readiness)

    @Override
    public void alarm(final Alarm alarm, final String problem, final Duration expiresAfter) {
        final long expires =
                expiresAfter == null ? Long.MAX_VALUE : System.currentTimeMillis() + expiresAfter.toMillis();
        final Raised before = alarms.put(alarm, new Raised(problem, expires));
        if (before == null || !before.problem().equals(problem)) {
            LOG.warn("alarm {} raised: {}", alarm, problem);
        }
    }

    @Override
    public void clearAlarm(final Alarm alarm) {
        if (alarms.remove(alarm) != null) {
            LOG.info("alarm {} cleared", alarm);
        }
    }

    /** The raised alarms and their problems; expired ones are dropped. */
    public Map<Alarm, String> activeAlarms() {
        final long now = System.currentTimeMillis();
        alarms.entrySet().removeIf(e -> e.getValue().expiresAtMillis() <= now);
        final Map<Alarm, String> out = new EnumMap<>(Alarm.class);
        alarms.forEach((a, r) -> out.put(a, r.problem()));
        return out;
    }

    @Override
    public void recordsAwaitingRegistry(final String task, final long count) {
        if (count <= 0) {
            awaitingRegistry.remove(task);
        } else {
            awaitingRegistry.put(task, count);
        }
        final long total =
                awaitingRegistry.values().stream().mapToLong(Long::longValue).sum();
        if (total > 0) {
            alarm(
                    Alarm.SCHEMA_REGISTRY_UNAVAILABLE,
                    "schema registry unavailable: " + total
                            + " Avro record(s) wait for it (JSON input is not affected)",
                    null);
        } else {
            clearAlarm(Alarm.SCHEMA_REGISTRY_UNAVAILABLE);
        }
    }

    @Override
    public void threadReplaced(final String applicationId) {
        replacementCounter(applicationId).increment();
    }

    private Counter replacementCounter(final String applicationId) {
        return threadReplacements.computeIfAbsent(
                applicationId,
                id -> Counter.builder(THREAD_REPLACEMENTS)
                        .description("Stream threads that died and were replaced, by application id")
                        .tag("application_id", id)
                        .register(registry));
    }

    @Override
    public void outputRefused(final String topic) {
        outputsRefused.increment();
    }

    /** Closes the Kafka Streams binders, the JVM binders and the registry. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            for (final String id : new ArrayList<>(streamsBinders.keySet())) {
                unbindStreams(id);
            }
            kafkaMetricsScheduler.shutdownNow();
            for (final AutoCloseable binder : jvmBinders) {
                try {
                    binder.close();
                } catch (final Exception e) {
                    LOG.debug("closing {} failed: {}", binder.getClass().getSimpleName(), e.toString());
                }
            }
            registry.close();
        }
    }

    // ---------------------------------------------------------------- helpers

    private void bindJvm() {
        new ClassLoaderMetrics().bindTo(registry);
        final JvmMemoryMetrics memory = new JvmMemoryMetrics();
        memory.bindTo(registry);
        final JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        jvmBinders.add(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    private static String strategy(final String strategy) {
        final String s = lower(strategy);
        if (s.isEmpty() || s.equals("none")) {
            return "none";
        }
        return RotationTargets.STRATEGIES.contains(s) ? s : OTHER;
    }

    private static String closed(final String value, final Set<String> known) {
        return known.contains(value) ? value : OTHER;
    }

    /** A free-form value, sanitised, with at most {@link #MAX_FREE_VALUES} distinct values per tag. */
    static String free(final String value, final Set<String> seen) {
        String v = lower(value).replaceAll("[^a-z0-9_.-]", "_");
        if (v.isEmpty()) {
            return OTHER;
        }
        if (v.length() > MAX_FREE_LENGTH) {
            v = v.substring(0, MAX_FREE_LENGTH);
        }
        if (seen.contains(v)) {
            return v;
        }
        synchronized (seen) {
            if (seen.size() >= MAX_FREE_VALUES) {
                return OTHER;
            }
            seen.add(v);
            return v;
        }
    }

    private static String lower(final String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }

    private static String upper(final String s) {
        return s == null ? "" : s.trim().toUpperCase(Locale.ROOT);
    }

    private static Duration nonNegative(final Duration d) {
        return d == null || d.isNegative() ? Duration.ZERO : d;
    }

    private static Duration[] millis(final long... ms) {
        return Arrays.stream(ms).mapToObj(Duration::ofMillis).toArray(Duration[]::new);
    }

    /** One statistics snapshot shared by the gauges of a scrape. */
    private static final class CachedSnapshot {
        private final Statistics statistics;
        private final long maxAgeNanos;
        private Statistics.Snapshot snapshot;
        private long takenAt;

        CachedSnapshot(final Statistics statistics, final Duration maxAge) {
            this.statistics = statistics;
            this.maxAgeNanos = maxAge.toNanos();
        }

        synchronized Statistics.Snapshot get() {
            final long now = System.nanoTime();
            if (snapshot == null || now - takenAt > maxAgeNanos) {
                snapshot = statistics.snapshot();
                takenAt = now;
            }
            return snapshot;
        }
    }
}
