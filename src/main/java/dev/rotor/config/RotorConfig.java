package dev.rotor.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * rotor's settings, parsed and validated once. Immutable; build it with {@link ConfigLoader} (file, then environment,
 * then flags). Every problem is reported as a {@link ConfigException} naming the key.
 */
public final class RotorConfig {
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** Application ids become consumer groups, topic name prefixes and directory names: the topic alphabet, short. */
    private static final Pattern APPLICATION_ID_PREFIX = Pattern.compile("[a-zA-Z0-9._-]{0,100}");

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
        this.kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
        this.vault = vault;
        VaultAddress.checked(vault.addr());
        this.topics = new TopicNames(
                topic(Setting.TOPIC_SECURITY_EVENTS),
                topic(Setting.TOPIC_COMMANDS),
                topic(Setting.TOPIC_RESULTS),
                topic(Setting.TOPIC_ALERTS),
                topic(Setting.TOPIC_CRITICAL),
                topic(Setting.TOPIC_AUDIT),
                topic(Setting.TOPIC_DLQ),
                topic(Setting.TOPIC_COMMANDS_DLQ),
                topic(Setting.TOPIC_CONTROL));
        this.detection = new DetectionSettings(
                positiveLong(Setting.FAILED_AUTH_THRESHOLD),
                positiveDuration(Setting.FAILED_AUTH_WINDOW),
                positiveLong(Setting.RATE_LIMIT_THRESHOLD),
                positiveDuration(Setting.RATE_LIMIT_WINDOW),
                nonNegativeDuration(Setting.GRACE),
                nonNegativeDuration(Setting.COOLDOWN),
                nonNegativeDuration(Setting.MAX_CLOCK_SKEW),
                (int) Math.min(Integer.MAX_VALUE, positiveLong(Setting.MAX_EVENT_BYTES)),
                positiveDuration(Setting.STATE_CLEANUP_INTERVAL),
                positiveDuration(Setting.MAX_EVENT_AGE),
                enumValue(Setting.AUDIT_BELOW_THRESHOLD, BelowThresholdAudit.class),
                nonNegativeDuration(Setting.MANUAL_TRIGGER_INTERVAL));
        this.registryWait = new RegistryWaitSettings(
                positiveDuration(Setting.SCHEMA_REGISTRY_MAX_WAIT), positiveLong(Setting.SCHEMA_REGISTRY_MAX_WAITING));
        this.executor = new ExecutorSettings(
                get(Setting.VAULT_APPROLE_MOUNT),
                wholeSeconds(Setting.VAULT_CONNECT_TIMEOUT),
                wholeSeconds(Setting.VAULT_READ_TIMEOUT),
                positiveDuration(Setting.ROTATION_DEADLINE),
                (int) Math.min(1024, positiveLong(Setting.EXECUTOR_PARALLELISM)),
                (int) Math.min(1024, positiveLong(Setting.EXECUTOR_MAX_QUEUED_PER_SECRET)),
                enumValue(Setting.AUDIT_VAULT_CALLS, VaultCallAudit.class));
        this.breaker = new BreakerSettings(
                (int) Math.min(Integer.MAX_VALUE, nonNegativeLong(Setting.BREAKER_MAX_ROTATIONS)),
                positiveDuration(Setting.BREAKER_WINDOW),
                (int) Math.min(Integer.MAX_VALUE, nonNegativeLong(Setting.BREAKER_MAX_SECRETS_PER_EVENT)),
                positiveDuration(Setting.BREAKER_HOLD_EXPIRY));
        this.rocksDbMemoryBytes = bytes(Setting.ROCKSDB_MEMORY, 8L << 20);
        this.applicationIdPrefix = applicationIdPrefix(Setting.APPLICATION_ID_PREFIX);
        this.topicSettings = new TopicSettings(
                (int) Math.min(10_000, positiveLong(Setting.TOPICS_PARTITIONS)),
                replicationFactor(Setting.TOPICS_REPLICATION_FACTOR),
                positiveDuration(Setting.TOPICS_RETENTION));
        this.http = new HttpSettings(
                get(Setting.HTTP_BIND_ADDRESS).trim(),
                port(Setting.HTTP_PORT),
                get(Setting.HTTP_ADVERTISED_HOST).trim());
        this.adapters = AdapterSources.parse(this::get, topics);
        this.outputFormat = enumValue(Setting.OUTPUT_FORMAT, OutputFormat.class);
        this.dryRun = bool(Setting.DRY_RUN);
        this.singleClient = bool(Setting.SINGLE_CLIENT);
        this.targetsFile = Path.of(get(Setting.TARGETS_FILE));
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

    private String topic(final Setting s) {
        final String v = get(s);
        if (!TOPIC_NAME.matcher(v).matches()) {
            throw new ConfigException(
                    s.key(), "'" + v + "' is not a valid topic name (letters, digits, '.', '_', '-'; at most 249)");
        }
        return v;
    }

    private String applicationIdPrefix(final Setting s) {
        final String v = get(s).trim();
        if (!APPLICATION_ID_PREFIX.matcher(v).matches()) {
            throw new ConfigException(
                    s.key(),
                    "'" + v + "' cannot start an application id (letters, digits, '.', '_', "
                            + "'-'; at most 100), e.g. shadow-");
        }
        return v;
    }

    private long positiveLong(final Setting s) {
        final long n = wholeNumber(s);
        if (n <= 0) {
            throw new ConfigException(s.key(), "must be greater than 0, got " + n);
        }
        return n;
    }

    private long nonNegativeLong(final Setting s) {
        final long n = wholeNumber(s);
        if (n < 0) {
            throw new ConfigException(s.key(), "must be 0 or more, got " + n);
        }
        return n;
    }

    private long wholeNumber(final Setting s) {
        final String v = get(s).trim();
        final long n;
        try {
            n = Long.parseLong(v);
        } catch (final NumberFormatException e) {
            throw new ConfigException(s.key(), "must be a whole number, got '" + v + "'");
        }
        return n;
    }

    /** A size such as {@code 64m}, {@code 1g}, {@code 512k} or a number of bytes, at least {@code min}. */
    private long bytes(final Setting s, final long min) {
        final String v = get(s).trim().toLowerCase(Locale.ROOT);
        final Matcher m = Pattern.compile("(\\d+)\\s*([kmg]?)b?").matcher(v);
        if (!m.matches()) {
            throw new ConfigException(s.key(), "must be a size such as 64m or 1g, got '" + get(s) + "'");
        }
        final long n = Long.parseLong(m.group(1))
                << switch (m.group(2)) {
                    case "k" -> 10;
                    case "m" -> 20;
                    case "g" -> 30;
                    default -> 0;
                };
        if (n < min) {
            throw new ConfigException(s.key(), "must be at least " + (min >> 20) + "m");
        }
        return n;
    }

    private int replicationFactor(final Setting s) {
        final String v = get(s).trim();
        try {
            final int r = Integer.parseInt(v);
            if (r == -1 || (r >= 1 && r <= Short.MAX_VALUE)) {
                return r;
            }
        } catch (final NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(s.key(), "must be -1 (the broker's default) or a positive number, got '" + v + "'");
    }

    private int port(final Setting s) {
        final String v = get(s).trim();
        try {
            final int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (final NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(s.key(), "must be a port number from 0 to 65535, got '" + v + "'");
    }

    private Duration duration(final Setting s) {
        final Duration d;
        try {
            d = Durations.parse(get(s));
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(s.key(), e.getMessage());
        } catch (final ArithmeticException e) {
            throw new ConfigException(s.key(), "'" + get(s).trim() + "' is too long");
        }
        try {
            long unused = d.toMillis(); // every duration is used in milliseconds somewhere: it must fit
        } catch (final ArithmeticException e) {
            throw new ConfigException(s.key(), "'" + get(s).trim() + "' is too long");
        }
        return d;
    }

    private Duration positiveDuration(final Setting s) {
        final Duration d = duration(s);
        if (d.isNegative() || d.isZero()) {
            throw new ConfigException(s.key(), "must be longer than 0");
        }
        return d;
    }

    /** The Vault driver takes its timeouts in whole seconds. */
    private Duration wholeSeconds(final Setting s) {
        final Duration d = positiveDuration(s);
        if (d.toMillis() % 1000 != 0) {
            throw new ConfigException(s.key(), "must be a whole number of seconds (the Vault client's resolution)");
        }
        return d;
    }

    private Duration nonNegativeDuration(final Setting s) {
        final Duration d = duration(s);
        if (d.isNegative()) {
            throw new ConfigException(s.key(), "must not be negative");
        }
        return d;
    }

    private boolean bool(final Setting s) {
        final String v = get(s).trim().toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException(s.key(), "must be true or false, got '" + get(s) + "'");
        }
        return Boolean.parseBoolean(v);
    }

    private <E extends Enum<E>> E enumValue(final Setting s, final Class<E> type) {
        final String v = get(s).trim();
        for (final E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw new ConfigException(
                s.key(),
                "must be one of "
                        + Arrays.stream(type.getEnumConstants())
                                .map(e -> e.name().toLowerCase(Locale.ROOT))
                                .toList()
                        + ", got '" + v + "'");
    }
}
