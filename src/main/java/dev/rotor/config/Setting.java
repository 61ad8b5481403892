package dev.rotor.config;

import static dev.rotor.config.SettingType.APPLICATION_ID;
import static dev.rotor.config.SettingType.COUNT;
import static dev.rotor.config.SettingType.DURATION;
import static dev.rotor.config.SettingType.FLAG;
import static dev.rotor.config.SettingType.MEMORY;
import static dev.rotor.config.SettingType.NON_EMPTY;
import static dev.rotor.config.SettingType.PORT;
import static dev.rotor.config.SettingType.POSITIVE;
import static dev.rotor.config.SettingType.POSITIVE_DURATION;
import static dev.rotor.config.SettingType.REPLICATION_FACTOR;
import static dev.rotor.config.SettingType.TEXT;
import static dev.rotor.config.SettingType.TOPIC;
import static dev.rotor.config.SettingType.VAULT_ADDRESS;
import static dev.rotor.config.SettingType.WHOLE_SECONDS;
import static dev.rotor.config.SettingType.durationUpTo;
import static dev.rotor.config.SettingType.oneOf;
import static dev.rotor.config.SettingType.range;
import static dev.rotor.config.SettingType.text;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Every rotor setting: its key, default, {@link SettingType type} and doc. This is the one list, and
 * {@link #definition()} hands it to Kafka's {@link ConfigDef}, which parses and validates every value.
 * {@code config/application.properties} and the README's settings table show the same keys with the same defaults
 * (tests compare both with the definition), and {@code ROTOR_*} environment variables map onto these keys by name
 * ({@code ROTOR_FAILED_AUTH_THRESHOLD} → {@code rotor.failed-auth.threshold}).
 */
public enum Setting {
    TOPIC_SECURITY_EVENTS(
            "rotor.topic.security-events", "security-events", TOPIC, "input: security events, JSON or Avro"),
    TOPIC_COMMANDS(
            "rotor.topic.rotation-commands", "rotation-commands", TOPIC, "detection -> executor, keyed by secret path"),
    TOPIC_RESULTS("rotor.topic.rotation-results", "rotation-results", TOPIC, "one result per command"),
    TOPIC_ALERTS("rotor.topic.security-alerts", "security-alerts", TOPIC, "success notifications"),
    TOPIC_CRITICAL("rotor.topic.security-critical", "security-critical", TOPIC, "failure notifications"),
    TOPIC_AUDIT("rotor.topic.rotation-audit", "rotation-audit", TOPIC, "every decision and action"),
    TOPIC_DLQ(
            "rotor.topic.security-events-dlq",
            "security-events-dlq",
            TOPIC,
            "bad input, original bytes plus error headers"),
    TOPIC_COMMANDS_DLQ(
            "rotor.topic.rotation-commands-dlq",
            "rotation-commands-dlq",
            TOPIC,
            "commands the executor cannot read, original bytes plus error headers"),
    TOPIC_CONTROL(
            "rotor.topic.rotor-control",
            "rotor-control",
            TOPIC,
            "operator commands (pause, resume, approve, release), read whole by every executor instance"),
    TOPICS_PARTITIONS(
            "rotor.topics.partitions", "6", POSITIVE, "partitions of the topics `rotor topics --create` makes"),
    TOPICS_REPLICATION_FACTOR(
            "rotor.topics.replication-factor",
            "-1",
            REPLICATION_FACTOR,
            "their replication factor (-1: the broker's default)"),
    TOPICS_RETENTION("rotor.topics.retention", "7d", POSITIVE_DURATION, "their retention"),
    APPLICATION_ID_PREFIX(
            "rotor.application-id-prefix",
            "",
            APPLICATION_ID,
            "prepended to the application ids rotor, rotor-detection and rotor-executor (consumer groups, internal "
                    + "topics, state): another prefix shares no state"),

    FAILED_AUTH_THRESHOLD(
            "rotor.failed-auth.threshold", "10", POSITIVE, "failed logins per secret that mean compromise (inclusive)"),
    FAILED_AUTH_WINDOW("rotor.failed-auth.window", "15m", POSITIVE_DURATION, "... within any window of this length"),
    RATE_LIMIT_THRESHOLD(
            "rotor.rate-limit.threshold",
            "100",
            POSITIVE,
            "rate-limit violations per secret that mean compromise (inclusive)"),
    RATE_LIMIT_WINDOW("rotor.rate-limit.window", "5m", POSITIVE_DURATION, "... within any window of this length"),
    GRACE(
            "rotor.grace",
            "1m",
            DURATION,
            "how far behind the newest event counted for its secret an event may arrive and still be counted"),
    COOLDOWN(
            "rotor.cooldown",
            "5m",
            DURATION,
            "after a command for a secret, further triggers within this time are suppressed (manual_trigger excepted)"),
    MANUAL_TRIGGER_INTERVAL(
            "rotor.manual-trigger.interval",
            "1m",
            DURATION,
            "a manual_trigger for a secret within this time (rotor's clock) after the last manual rotation of it "
                    + "is suppressed, so a script or a replay cannot rotate one secret again and again; 0 turns "
                    + "the limit off"),
    MAX_CLOCK_SKEW(
            "rotor.max-clock-skew",
            "5m",
            DURATION,
            "events stamped further than this in the future are refused, so one bad clock cannot blind the windows"),
    MAX_EVENT_AGE(
            "rotor.max-event-age",
            "3d",
            POSITIVE_DURATION,
            "events stamped further than this in the past are refused (DLQ, STALE_TIMESTAMP) rather than trusted"),
    MAX_EVENT_BYTES("rotor.max-event-bytes", "1048576", POSITIVE, "larger records go to the DLQ"),
    SCHEMA_REGISTRY_MAX_WAIT(
            "rotor.schema-registry.max-wait",
            "30m",
            POSITIVE_DURATION,
            "how long an Avro event may wait for an unavailable schema registry (JSON events go on) before it is "
                    + "dead-lettered as REGISTRY_UNAVAILABLE"),
    SCHEMA_REGISTRY_MAX_WAITING(
            "rotor.schema-registry.max-waiting",
            "100000",
            POSITIVE,
            "Avro events one task keeps waiting for the schema registry; beyond it new ones are dead-lettered at "
                    + "once (REGISTRY_UNAVAILABLE)"),
    AUDIT_BELOW_THRESHOLD(
            "rotor.audit.below-threshold",
            "crossings",
            oneOf(RotorConfig.BelowThresholdAudit.class),
            "which counted events below the threshold get an audit record: all, crossings (when the window sum "
                    + "first reaches half the threshold) or none; rotations, suppressions, refusals and late "
                    + "events are always audited"),
    STATE_CLEANUP_INTERVAL(
            "rotor.state-cleanup-interval",
            "1m",
            POSITIVE_DURATION,
            "how often (rotor's clock) per-secret state that can no longer matter is removed"),
    ROCKSDB_MEMORY(
            "rotor.rocksdb.memory",
            "64m",
            MEMORY,
            "off-heap memory shared by all of this instance's RocksDB stores (block cache and memtables)"),

    ADAPTERS_OCSF_TOPICS(
            "rotor.adapters.ocsf.topics",
            "",
            TEXT,
            "topics of OCSF events (comma separated; topic=dlq names the DLQ, default <topic>-dlq)"),
    ADAPTERS_VAULT_AUDIT_TOPICS(
            "rotor.adapters.vault-audit.topics", "", TEXT, "topics of Vault file-audit JSON lines (same syntax)"),
    ADAPTERS_GITHUB_TOPICS(
            "rotor.adapters.github.topics",
            "",
            TEXT,
            "topics of GitHub secret_scanning_alert webhook deliveries (same syntax)"),
    ADAPTERS_AWS_TOPICS(
            "rotor.adapters.aws.topics",
            "",
            TEXT,
            "topics of CloudTrail events/log files, GuardDuty and Security Hub (ASFF) findings, AWS Health events "
                    + "(same syntax)"),
    ADAPTERS_ECS_TOPICS(
            "rotor.adapters.ecs.topics",
            "",
            TEXT,
            "topics of Elastic Common Schema documents: authentication events from Beats, Elastic Agent, ECS "
                    + "loggers (same syntax)"),
    ADAPTERS_AUDIT_NOT_RELEVANT(
            "rotor.adapters.audit-not-relevant",
            "true",
            FLAG,
            "audit every adapted record that is no security event (false: only count them)"),

    HTTP_PORT("rotor.http.port", "8080", PORT, "port of /health, /metrics and /stats (0 = any free port)"),
    HTTP_BIND_ADDRESS(
            "rotor.http.bind-address", "127.0.0.1", TEXT, "address the HTTP endpoints listen on (0.0.0.0 for all)"),
    HTTP_ADVERTISED_HOST(
            "rotor.http.advertised-host",
            "",
            TEXT,
            "the host name other instances reach this one's HTTP endpoints at, for a group-wide /stats (empty: the "
                    + "bind address, or this machine's name when it binds all addresses)"),

    OUTPUT_FORMAT(
            "rotor.output.format",
            "avro",
            oneOf(RotorConfig.OutputFormat.class),
            "avro (Confluent wire format, needs kafka.schema.registry.url) or json"),
    TARGETS_FILE("rotor.targets.file", "config/rotation-targets.yaml", TEXT, "which paths may be rotated, and how"),
    SINGLE_CLIENT(
            "rotor.single-client",
            "false",
            FLAG,
            "with --role all, run detection and the executor as one Kafka Streams client (application id rotor) "
                    + "whose rules hand each command straight to the executor; false: two clients "
                    + "(rotor-detection, rotor-executor) joined by rotation-commands (measured faster "
                    + "under exactly-once on 2 cores: docs/decisions.md)"),
    DRY_RUN("rotor.dry-run", "false", FLAG, "decide and publish DRY_RUN results, call nothing in Vault"),

    VAULT_ADDR("rotor.vault.addr", "http://127.0.0.1:8200", VAULT_ADDRESS, "Vault's address (env VAULT_ADDR)"),
    VAULT_NAMESPACE("rotor.vault.namespace", "", TEXT, "Vault Enterprise namespace (env VAULT_NAMESPACE)"),
    VAULT_CACERT(
            "rotor.vault.cacert", "", TEXT, "PEM file of the CA that signed Vault's certificate (env VAULT_CACERT)"),
    VAULT_APPROLE_MOUNT(
            "rotor.vault.approle-mount",
            "approle",
            TEXT,
            "mount of the AppRole auth method used with VAULT_ROLE_ID/VAULT_SECRET_ID"),
    VAULT_CONNECT_TIMEOUT(
            "rotor.vault.connect-timeout",
            "2s",
            WHOLE_SECONDS,
            "hard limit on opening a connection to Vault (whole seconds)"),
    VAULT_READ_TIMEOUT(
            "rotor.vault.read-timeout",
            "5s",
            WHOLE_SECONDS,
            "hard limit on waiting for one Vault response (whole seconds)"),
    ROTATION_DEADLINE(
            "rotor.rotation.deadline",
            "5m",
            POSITIVE_DURATION,
            "transient Vault errors are retried with backoff until this long after a worker started the rotation"),
    EXECUTOR_PARALLELISM(
            "rotor.executor.parallelism",
            "256",
            POSITIVE,
            "the most rotations in flight at once per executor instance; the limit starts at 16, grows while Vault"
                    + " keeps up and halves when it pushes back (never two for one secret)"),
    BREAKER_MAX_ROTATIONS(
            "rotor.breaker.max-rotations",
            "200",
            COUNT,
            "automatic rotations the whole executor group starts within rotor.breaker.window; later ones are HELD "
                    + "until an operator approves them (0 = no budget)"),
    BREAKER_WINDOW(
            "rotor.breaker.window",
            "10m",
            POSITIVE_DURATION,
            "the budget's window (rotor's clock); also the quiet time after which new holds count as a new storm"),
    BREAKER_MAX_SECRETS_PER_EVENT(
            "rotor.breaker.max-secrets-per-event",
            "50",
            COUNT,
            "an event naming more secrets than this has every one of its automatic commands HELD (0 = no limit)"),
    BREAKER_HOLD_EXPIRY(
            "rotor.breaker.hold-expiry",
            "12h",
            POSITIVE_DURATION,
            "a HELD command not approved or released within this time ends FAILED (expired)"),
    AUDIT_VAULT_CALLS(
            "rotor.audit.vault-calls",
            "summary",
            oneOf(RotorConfig.VaultCallAudit.class),
            "how the executor audits its Vault calls: summary (listed in the rotation's ROTATION_FINISHED record, "
                    + "details vault_calls) or each (one VAULT_CALL record per call besides)"),
    EXECUTOR_MAX_QUEUED_PER_SECRET(
            "rotor.executor.max-queued-per-secret",
            "32",
            POSITIVE,
            "commands that may wait for one secret; more are FAILED at once with a critical alert"),

    NOTIFY_ALERTS_SINKS(
            "rotor.notify.security-alerts.sinks",
            "",
            TEXT,
            "where success notifications are delivered besides Kafka: slack (empty: nowhere)"),
    NOTIFY_CRITICAL_SINKS(
            "rotor.notify.security-critical.sinks",
            "",
            TEXT,
            "where failure notifications are delivered besides Kafka: slack, pagerduty or both (empty: nowhere)"),
    NOTIFY_PAGERDUTY_URL(
            "rotor.notify.pagerduty.url",
            "https://events.pagerduty.com/v2/enqueue",
            TEXT,
            "PagerDuty Events API v2 endpoint"),
    NOTIFY_PAGERDUTY_SOURCE(
            "rotor.notify.pagerduty.source",
            "rotor",
            text(1, 255, "must be 1 to 255 characters"),
            "the payload.source of PagerDuty events"),
    NOTIFY_TIMEOUT(
            "rotor.notify.timeout",
            "5s",
            durationUpTo(Duration.ofHours(1), false),
            "limit on each HTTP request to a sink (connect and response)"),
    NOTIFY_MAX_ATTEMPTS(
            "rotor.notify.max-attempts",
            "5",
            range(1, 100),
            "attempts per notification and sink before it is given up (failed)"),
    NOTIFY_BACKOFF(
            "rotor.notify.backoff",
            "1s",
            durationUpTo(Duration.ofHours(1), true),
            "pause before the first retry; doubles after each, at most 30s"),
    NOTIFY_DEDUP_WINDOW(
            "rotor.notify.dedup-window",
            "1000",
            range(0, 1_000_000),
            "notifications per partition remembered (and re-read at start) to recognise a redelivery"),
    NOTIFY_GROUP_ID("rotor.notify.group-id", "rotor-notify", NON_EMPTY, "consumer group of the notification delivery");

    private static final Map<String, Setting> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));
    private static final Map<String, Setting> BY_ENV =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Setting::envName, Function.identity()));
    private static final ConfigDef DEFINITION = define();

    private final String key;
    private final String defaultValue;
    // SettingType is final with final fields, and its validators keep no state
    @SuppressWarnings("ImmutableEnumChecker")
    private final SettingType type;

    private final String doc;

    Setting(final String key, final String defaultValue, final SettingType type, final String doc) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.type = type;
        this.doc = doc;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    /** What the value must look like. */
    public SettingType type() {
        return type;
    }

    /**
     * Every setting as a Kafka {@link ConfigDef}, in declaration order: what {@code rotor} parses its configuration
     * with, and what the tests compare the README and {@code config/application.properties} with. A copy: a
     * {@code ConfigDef} can be added to.
     */
    public static ConfigDef definition() {
        return new ConfigDef(DEFINITION);
    }

    /**
     * Parses and validates every value through {@link #definition()}.
     *
     * @throws ConfigException the first problem in declaration order, naming its key
     */
    static Map<Setting, Object> parse(final Map<Setting, String> values) {
        final Map<String, String> byKey = new HashMap<>();
        values.forEach((s, v) -> byKey.put(s.key, v));
        final Map<String, Object> parsed;
        try {
            parsed = DEFINITION.parse(byKey);
        } catch (final ConfigException e) {
            throw e; // a validator's: it names the key already
        } catch (final org.apache.kafka.common.config.ConfigException e) {
            throw malformed(values, e);
        }
        final Map<Setting, Object> out = new EnumMap<>(Setting.class);
        for (final Setting s : values()) {
            out.put(s, parsed.get(s.key));
        }
        return out;
    }

    /**
     * Kafka reports text that is not of a setting's type in a message of its own that does not say what was expected;
     * this finds the setting (the first whose text does not parse) and says it rotor's way.
     */
    private static ConfigException malformed(
            final Map<Setting, String> values, final org.apache.kafka.common.config.ConfigException kafka) {
        for (final Setting s : values()) {
            final String text = values.getOrDefault(s, s.defaultValue);
            try {
                ConfigDef.parseType(s.key, text, s.type.type());
            } catch (final org.apache.kafka.common.config.ConfigException e) {
                return new ConfigException(s.key, s.type.malformed(text));
            }
        }
        return new ConfigException("rotor", kafka.getMessage());
    }

    private static ConfigDef define() {
        final ConfigDef def = new ConfigDef();
        for (final Setting s : values()) {
            // Kafka ranks settings by importance for its generated docs; rotor's README groups them by job instead
            def.define(s.key, s.type.type(), s.defaultValue, s.type.validator(), ConfigDef.Importance.MEDIUM, s.doc);
        }
        return def;
    }

    /** {@code rotor.failed-auth.threshold} → {@code ROTOR_FAILED_AUTH_THRESHOLD}. */
    public String envName() {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static Optional<Setting> byKey(final String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    public static Optional<Setting> byEnvName(final String envName) {
        return Optional.ofNullable(BY_ENV.get(envName));
    }
}
