package dev.rotor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * rotor's settings, parsed and validated once. Immutable; build it with {@link ConfigLoader} (file, then environment,
 * then flags). Every problem is reported as a {@link ConfigException} naming the key.
 */
public final class RotorConfig {
    /** Which counted events below the threshold get an audit record ({@code rotor.audit.below-threshold}). */
    public enum BelowThresholdAudit {
        ALL,
        CROSSINGS,
        NONE
    }

    /** How the executor audits its Vault calls ({@code rotor.audit.vault-calls}). */
    public enum VaultCallAudit {
        SUMMARY,
        EACH
    }

    /** Output value encoding of rotor's own topics. */
    public enum OutputFormat {
        AVRO,
        JSON
    }

    /** Names of rotor's topics. */
    public record TopicNames(
            String securityEvents,
            String rotationCommands,
            String rotationResults,
            String securityAlerts,
            String securityCritical,
            String rotationAudit,
            String securityEventsDlq,
            String rotationCommandsDlq,
            String rotorControl) {}

    /**
     * The storm breaker (README "Storm breaker"): how many automatic rotations the executor group may start per window,
     * how many secrets one event may rotate, and how long a held command waits for an operator.
     *
     * @param maxRotations per {@code window} across the group; 0 = no budget
     * @param window the budget's window, on rotor's clock
     * @param maxSecretsPerEvent 0 = no limit
     * @param holdExpiry a held command older than this fails
     */
    public record BreakerSettings(int maxRotations, Duration window, int maxSecretsPerEvent, Duration holdExpiry) {
        /** No budget and no per-event limit (pause still holds). */
        public static BreakerSettings off() {
            return new BreakerSettings(0, Duration.ofMinutes(10), 0, Duration.ofHours(12));
        }
    }

    /** The detection rules' parameters (DESIGN.md §3). */
    public record DetectionSettings(
            long failedAuthThreshold,
            Duration failedAuthWindow,
            long rateLimitThreshold,
            Duration rateLimitWindow,
            Duration grace,
            Duration cooldown,
            Duration maxClockSkew,
            int maxEventBytes,
            Duration stateCleanupInterval,
            Duration maxEventAge,
            BelowThresholdAudit belowThresholdAudit,
            Duration manualTriggerInterval) {
        /** The longest window: how much history per secret the rules must keep. */
        public Duration longestWindow() {
            return failedAuthWindow.compareTo(rateLimitWindow) >= 0 ? failedAuthWindow : rateLimitWindow;
        }
    }

    /** How to reach Vault. Credentials come from the environment only and never print. */
    public record VaultSettings(
            String addr,
            Optional<String> namespace,
            Optional<Path> caCert,
            Optional<SecretValue> token,
            Optional<String> roleId,
            Optional<SecretValue> secretId) {}

    /** How {@code rotor topics --create} makes rotor's topics. */
    public record TopicSettings(int partitions, int replicationFactor, Duration retention) {}

    /** Where the operational HTTP endpoints listen. */
    public record HttpSettings(String bindAddress, int port, String advertisedHost) {}

    /**
     * How Avro input waits for an unavailable schema registry.
     *
     * @param maxWait how long one event may wait before it is dead-lettered
     * @param maxWaiting how many events one task keeps waiting
     */
    public record RegistryWaitSettings(Duration maxWait, long maxWaiting) {}

    /** How the executor calls Vault (DESIGN.md §4). */
    public record ExecutorSettings(
            String appRoleMount,
            Duration connectTimeout,
            Duration readTimeout,
            Duration rotationDeadline,
            int parallelism,
            int maxQueuedPerSecret,
            VaultCallAudit vaultCallAudit) {}

    private final Map<Setting, String> values;
    /** {@link #values} as {@link Setting#definition()} parsed and validated them. */
    private final Map<Setting, Object> parsed;

    private final Map<String, String> kafka;
    private final TopicNames topics;
    private final DetectionSettings detection;
    private final RegistryWaitSettings registryWait;
    private final OutputFormat outputFormat;
    private final boolean dryRun;
    private final boolean singleClient;
    private final Path targetsFile;
    private final RotationTargets targets;
    private final VaultSettings vault;
    private final ExecutorSettings executor;
    private final BreakerSettings breaker;
    private final HttpSettings http;
    private final AdapterSources adapters;
    private final TopicSettings topicSettings;
    private final long rocksDbMemoryBytes;
    private final String applicationIdPrefix;

    RotorConfig(
            final Map<Setting, String> values,
            final Map<String, String> kafka,
            final VaultSettings vault,
            final RotationTargets targets) {
        this.values = Collections.unmodifiableMap(new EnumMap<>(values));
        this.parsed = Setting.parse(values);
        this.kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
        this.vault = vault;
        this.topics = new TopicNames(
                text(Setting.TOPIC_SECURITY_EVENTS),
                text(Setting.TOPIC_COMMANDS),
                text(Setting.TOPIC_RESULTS),
                text(Setting.TOPIC_ALERTS),
                text(Setting.TOPIC_CRITICAL),
                text(Setting.TOPIC_AUDIT),
                text(Setting.TOPIC_DLQ),
                text(Setting.TOPIC_COMMANDS_DLQ),
                text(Setting.TOPIC_CONTROL));
        this.detection = new DetectionSettings(
                number(Setting.FAILED_AUTH_THRESHOLD),
                duration(Setting.FAILED_AUTH_WINDOW),
                number(Setting.RATE_LIMIT_THRESHOLD),
                duration(Setting.RATE_LIMIT_WINDOW),
                duration(Setting.GRACE),
                duration(Setting.COOLDOWN),
                duration(Setting.MAX_CLOCK_SKEW),
                boundedInt(Setting.MAX_EVENT_BYTES, Integer.MAX_VALUE),
                duration(Setting.STATE_CLEANUP_INTERVAL),
                duration(Setting.MAX_EVENT_AGE),
                choice(Setting.AUDIT_BELOW_THRESHOLD, BelowThresholdAudit.class),
                duration(Setting.MANUAL_TRIGGER_INTERVAL));
        this.registryWait = new RegistryWaitSettings(
                duration(Setting.SCHEMA_REGISTRY_MAX_WAIT), number(Setting.SCHEMA_REGISTRY_MAX_WAITING));
        this.executor = new ExecutorSettings(
                text(Setting.VAULT_APPROLE_MOUNT),
                duration(Setting.VAULT_CONNECT_TIMEOUT),
                duration(Setting.VAULT_READ_TIMEOUT),
                duration(Setting.ROTATION_DEADLINE),
                boundedInt(Setting.EXECUTOR_PARALLELISM, 1024),
                boundedInt(Setting.EXECUTOR_MAX_QUEUED_PER_SECRET, 1024),
                choice(Setting.AUDIT_VAULT_CALLS, VaultCallAudit.class));
        this.breaker = new BreakerSettings(
                boundedInt(Setting.BREAKER_MAX_ROTATIONS, Integer.MAX_VALUE),
                duration(Setting.BREAKER_WINDOW),
                boundedInt(Setting.BREAKER_MAX_SECRETS_PER_EVENT, Integer.MAX_VALUE),
                duration(Setting.BREAKER_HOLD_EXPIRY));
        this.rocksDbMemoryBytes = SettingType.bytes(text(Setting.ROCKSDB_MEMORY));
        this.applicationIdPrefix = text(Setting.APPLICATION_ID_PREFIX);
        this.topicSettings = new TopicSettings(
                boundedInt(Setting.TOPICS_PARTITIONS, 10_000),
                integer(Setting.TOPICS_REPLICATION_FACTOR),
                duration(Setting.TOPICS_RETENTION));
        this.http = new HttpSettings(
                text(Setting.HTTP_BIND_ADDRESS), integer(Setting.HTTP_PORT), text(Setting.HTTP_ADVERTISED_HOST));
        this.adapters = AdapterSources.parse(this::text, topics, flag(Setting.ADAPTERS_AUDIT_NOT_RELEVANT));
        this.outputFormat = choice(Setting.OUTPUT_FORMAT, OutputFormat.class);
        this.dryRun = flag(Setting.DRY_RUN);
        this.singleClient = flag(Setting.SINGLE_CLIENT);
        this.targetsFile = Path.of(text(Setting.TARGETS_FILE));
        this.targets = targets;
        if (outputFormat == OutputFormat.AVRO && schemaRegistryUrl().isEmpty()) {
            throw new ConfigException(
                    "kafka.schema.registry.url",
                    "required when rotor.output.format=avro (set it, or set rotor.output.format=json)");
        }
        if (kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
            throw new ConfigException("kafka.bootstrap.servers", "must be set (e.g. localhost:9092)");
        }
    }

    /** Kafka's default {@code max.request.size}: the largest record a producer sends. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;
    /** Room left in a record for its key, headers and Kafka's overhead when bounding output values. */
    static final int KEY_AND_HEADERS_BYTES = 16 * 1024;

    /**
     * The largest record rotor's producers may send: the configured {@code max.request.size}
     * ({@code kafka.producer.max.request.size} or {@code kafka.max.request.size}), else Kafka's default of 1 MiB.
     */
    public int maxRecordBytes() {
        final String v = kafka.getOrDefault("producer.max.request.size", kafka.get("max.request.size"));
        try {
            return v == null ? DEFAULT_MAX_RECORD_BYTES : Math.max(64 * 1024, Integer.parseInt(v.trim()));
        } catch (final NumberFormatException e) {
            return DEFAULT_MAX_RECORD_BYTES;
        }
    }

    /** The largest output value rotor writes: the record limit less room for its key and headers. */
    public int maxOutputValueBytes() {
        return maxRecordBytes() - KEY_AND_HEADERS_BYTES;
    }

    public String get(final Setting setting) {
        return values.get(setting);
    }

    /** Kafka client and Streams properties (keys without the {@code kafka.} prefix), including schema.registry.*. */
    public Map<String, String> kafka() {
        return kafka;
    }

    public Optional<String> schemaRegistryUrl() {
        return Optional.ofNullable(kafka.get("schema.registry.url")).filter(s -> !s.isBlank());
    }

    public TopicNames topics() {
        return topics;
    }

    public DetectionSettings detection() {
        return detection;
    }

    public RegistryWaitSettings registryWait() {
        return registryWait;
    }

    public OutputFormat outputFormat() {
        return outputFormat;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** {@code rotor.single-client}: whether {@code --role all} runs one client that hands commands over in-task. */
    public boolean singleClient() {
        return singleClient;
    }

    public Path targetsFile() {
        return targetsFile;
    }

    public RotationTargets targets() {
        return targets;
    }

    public VaultSettings vault() {
        return vault;
    }

    public ExecutorSettings executor() {
        return executor;
    }

    public BreakerSettings breaker() {
        return breaker;
    }

    public HttpSettings http() {
        return http;
    }

    /** The adapter input topics and how their irrelevant records are audited. */
    public AdapterSources adapters() {
        return adapters;
    }

    public TopicSettings topicSettings() {
        return topicSettings;
    }

    /**
     * The Kafka Streams application id of one of rotor's clients: {@code rotor.application-id-prefix} followed by its
     * base name ({@code rotor-detection}, {@code rotor-executor}). With the default empty prefix the ids are the base
     * names.
     */
    public String applicationId(final String baseName) {
        return applicationIdPrefix + baseName;
    }

    /** {@code rotor.application-id-prefix}, empty by default. */
    public String applicationIdPrefix() {
        return applicationIdPrefix;
    }

    /** The off-heap budget of all RocksDB stores of this instance. */
    public long rocksDbMemoryBytes() {
        return rocksDbMemoryBytes;
    }

    /** A copy with some settings replaced (tests and the CLI's flags); validated like the original. */
    public RotorConfig with(final Map<Setting, String> overrides) {
        final Map<Setting, String> merged = new EnumMap<>(values);
        merged.putAll(overrides);
        return new RotorConfig(merged, kafka, vault, targets);
    }

    /** A copy with other Kafka properties (tests point it at their own broker). */
    public RotorConfig withKafka(final Map<String, String> overrides) {
        final Map<String, String> merged = new LinkedHashMap<>(kafka);
        merged.putAll(overrides);
        return new RotorConfig(values, merged, vault, targets);
    }

    /** A copy with other rotation targets. */
    public RotorConfig withTargets(final RotationTargets other) {
        return new RotorConfig(values, kafka, vault, other);
    }

    /** A text setting's value, trimmed and validated. */
    public String text(final Setting s) {
        return (String) parsed.get(s);
    }

    /** A whole-number setting's value, validated. */
    public long number(final Setting s) {
        return (Long) parsed.get(s);
    }

    /** A duration setting's value, validated. */
    public Duration duration(final Setting s) {
        return Durations.parse(text(s));
    }

    private int boundedInt(final Setting s, final int max) {
        return (int) Math.min(max, number(s));
    }

    private int integer(final Setting s) {
        return (Integer) parsed.get(s);
    }

    private boolean flag(final Setting s) {
        return (Boolean) parsed.get(s);
    }

    private <E extends Enum<E>> E choice(final Setting s, final Class<E> type) {
        return Enum.valueOf(type, text(s).toUpperCase(Locale.ROOT));
    }
}
