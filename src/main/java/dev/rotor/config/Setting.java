package dev.rotor.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every rotor setting with its default. This is the one list: {@code config/application.properties} documents the same
 * keys with the same defaults (a test keeps the two equal), and {@code ROTOR_*} environment variables map onto these
 * keys by name ({@code ROTOR_FAILED_AUTH_THRESHOLD} → {@code rotor.failed-auth.threshold}).
 */
public enum Setting {
    TOPIC_SECURITY_EVENTS("rotor.topic.security-events", "security-events", "input: security events, JSON or Avro"),
    TOPIC_COMMANDS("rotor.topic.rotation-commands", "rotation-commands", "detection -> executor, keyed by secret path"),
    TOPIC_RESULTS("rotor.topic.rotation-results", "rotation-results", "one result per command"),
    TOPIC_ALERTS("rotor.topic.security-alerts", "security-alerts", "success notifications"),
    TOPIC_CRITICAL("rotor.topic.security-critical", "security-critical", "failure notifications"),
    TOPIC_AUDIT("rotor.topic.rotation-audit", "rotation-audit", "every decision and action"),
    TOPIC_DLQ("rotor.topic.security-events-dlq", "security-events-dlq", "bad input, original bytes plus error headers"),
    TOPIC_COMMANDS_DLQ(
            "rotor.topic.rotation-commands-dlq",
            "rotation-commands-dlq",
            "commands the executor cannot read, original bytes plus error headers"),
    TOPIC_CONTROL(
            "rotor.topic.rotor-control",
            "rotor-control",
            "operator commands (pause, resume, approve, release), read whole by every executor instance"),
    TOPICS_PARTITIONS("rotor.topics.partitions", "6", "partitions of the topics `rotor topics --create` makes"),
    TOPICS_REPLICATION_FACTOR(
            "rotor.topics.replication-factor", "-1", "their replication factor (-1: the broker's default)"),
    TOPICS_RETENTION("rotor.topics.retention", "7d", "their retention"),
    APPLICATION_ID_PREFIX(
            "rotor.application-id-prefix",
            "",
            "prepended to the application ids rotor, rotor-detection and rotor-executor (consumer groups, internal "
                    + "topics, state): another prefix shares no state"),

    FAILED_AUTH_THRESHOLD(
            "rotor.failed-auth.threshold", "10", "failed logins per secret that mean compromise (inclusive)"),
    FAILED_AUTH_WINDOW("rotor.failed-auth.window", "15m", "... within any window of this length"),
    RATE_LIMIT_THRESHOLD(
            "rotor.rate-limit.threshold", "100", "rate-limit violations per secret that mean compromise (inclusive)"),
    RATE_LIMIT_WINDOW("rotor.rate-limit.window", "5m", "... within any window of this length"),
    GRACE(
            "rotor.grace",
            "1m",
            "how far behind the newest event counted for its secret an event may arrive and still be counted"),
    COOLDOWN(
            "rotor.cooldown",
            "5m",
            "after a command for a secret, further triggers within this time are suppressed (manual_trigger excepted)"),
    MANUAL_TRIGGER_INTERVAL(
            "rotor.manual-trigger.interval",
            "1m",
            "a manual_trigger for a secret within this time (rotor's clock) after the last manual rotation of it "
                    + "is suppressed, so a script or a replay cannot rotate one secret again and again; 0 turns "
                    + "the limit off"),
    MAX_CLOCK_SKEW(
            "rotor.max-clock-skew",
            "5m",
            "events stamped further than this in the future are refused, so one bad clock cannot blind the windows"),
    MAX_EVENT_AGE(
            "rotor.max-event-age",
            "3d",
            "events stamped further than this in the past are refused (DLQ, STALE_TIMESTAMP) rather than trusted"),
    MAX_EVENT_BYTES("rotor.max-event-bytes", "1048576", "larger records go to the DLQ"),
    SCHEMA_REGISTRY_MAX_WAIT(
            "rotor.schema-registry.max-wait",
            "30m",
            "how long an Avro event may wait for an unavailable schema registry (JSON events go on) before it is "
                    + "dead-lettered as REGISTRY_UNAVAILABLE"),
    SCHEMA_REGISTRY_MAX_WAITING(
            "rotor.schema-registry.max-waiting",
            "100000",
            "Avro events one task keeps waiting for the schema registry; beyond it new ones are dead-lettered at "
                    + "once (REGISTRY_UNAVAILABLE)"),
    AUDIT_BELOW_THRESHOLD(
            "rotor.audit.below-threshold",
            "crossings",
            "which counted events below the threshold get an audit record: all, crossings (when the window sum "
                    + "first reaches half the threshold) or none; rotations, suppressions, refusals and late "
                    + "events are always audited"),
    STATE_CLEANUP_INTERVAL(
            "rotor.state-cleanup-interval",
            "1m",
            "how often (rotor's clock) per-secret state that can no longer matter is removed"),
    ROCKSDB_MEMORY(
            "rotor.rocksdb.memory",
            "64m",
            "off-heap memory shared by all of this instance's RocksDB stores (block cache and memtables)"),

    ADAPTERS_OCSF_TOPICS(
            "rotor.adapters.ocsf.topics",
            "",
            "topics of OCSF events (comma separated; topic=dlq names the DLQ, default <topic>-dlq)"),
    ADAPTERS_VAULT_AUDIT_TOPICS(
            "rotor.adapters.vault-audit.topics", "", "topics of Vault file-audit JSON lines (same syntax)"),
    ADAPTERS_GITHUB_TOPICS(
            "rotor.adapters.github.topics",
            "",
            "topics of GitHub secret_scanning_alert webhook deliveries (same syntax)"),
    ADAPTERS_AWS_TOPICS(
            "rotor.adapters.aws.topics",
            "",
            "topics of CloudTrail events/log files, GuardDuty and Security Hub (ASFF) findings, AWS Health events "
                    + "(same syntax)"),
    ADAPTERS_ECS_TOPICS(
            "rotor.adapters.ecs.topics",
            "",
            "topics of Elastic Common Schema documents: authentication events from Beats, Elastic Agent, ECS "
                    + "loggers (same syntax)"),
    ADAPTERS_AUDIT_NOT_RELEVANT(
            "rotor.adapters.audit-not-relevant",
            "true",
            "audit every adapted record that is no security event (false: only count them)"),

    HTTP_PORT("rotor.http.port", "8080", "port of /health, /metrics and /stats (0 = any free port)"),
    HTTP_BIND_ADDRESS("rotor.http.bind-address", "127.0.0.1", "address the HTTP endpoints listen on (0.0.0.0 for all)"),
    HTTP_ADVERTISED_HOST(
            "rotor.http.advertised-host",
            "",
            "the host name other instances reach this one's HTTP endpoints at, for a group-wide /stats (empty: the "
                    + "bind address, or this machine's name when it binds all addresses)"),

    OUTPUT_FORMAT(
            "rotor.output.format", "avro", "avro (Confluent wire format, needs kafka.schema.registry.url) or json"),
    TARGETS_FILE("rotor.targets.file", "config/rotation-targets.yaml", "which paths may be rotated, and how"),
    SINGLE_CLIENT(
            "rotor.single-client",
            "false",
            "with --role all, run detection and the executor as one Kafka Streams client (application id rotor) "
                    + "whose rules hand each command straight to the executor; false: two clients "
                    + "(rotor-detection, rotor-executor) joined by rotation-commands (measured faster "
                    + "under exactly-once on 2 cores: docs/decisions.md)"),
    DRY_RUN("rotor.dry-run", "false", "decide and publish DRY_RUN results, call nothing in Vault"),

    VAULT_ADDR("rotor.vault.addr", "http://127.0.0.1:8200", "Vault's address (env VAULT_ADDR)"),
    VAULT_NAMESPACE("rotor.vault.namespace", "", "Vault Enterprise namespace (env VAULT_NAMESPACE)"),
    VAULT_CACERT("rotor.vault.cacert", "", "PEM file of the CA that signed Vault's certificate (env VAULT_CACERT)"),
    VAULT_APPROLE_MOUNT(
            "rotor.vault.approle-mount",
            "approle",
            "mount of the AppRole auth method used with VAULT_ROLE_ID/VAULT_SECRET_ID"),
    VAULT_CONNECT_TIMEOUT(
            "rotor.vault.connect-timeout", "2s", "hard limit on opening a connection to Vault (whole seconds)"),
    VAULT_READ_TIMEOUT(
            "rotor.vault.read-timeout", "5s", "hard limit on waiting for one Vault response (whole seconds)"),
    ROTATION_DEADLINE(
            "rotor.rotation.deadline",
            "5m",
            "transient Vault errors are retried with backoff until this long after a worker started the rotation"),
    EXECUTOR_PARALLELISM(
            "rotor.executor.parallelism",
            "16",
            "rotations in flight at once per executor instance (never two for one secret)"),
    BREAKER_MAX_ROTATIONS(
            "rotor.breaker.max-rotations",
            "200",
            "automatic rotations the whole executor group starts within rotor.breaker.window; later ones are HELD "
                    + "until an operator approves them (0 = no budget)"),
    BREAKER_WINDOW(
            "rotor.breaker.window",
            "10m",
            "the budget's window (rotor's clock); also the quiet time after which new holds count as a new storm"),
    BREAKER_MAX_SECRETS_PER_EVENT(
            "rotor.breaker.max-secrets-per-event",
            "50",
            "an event naming more secrets than this has every one of its automatic commands HELD (0 = no limit)"),
    BREAKER_HOLD_EXPIRY(
            "rotor.breaker.hold-expiry",
            "12h",
            "a HELD command not approved or released within this time ends FAILED (expired)"),
    AUDIT_VAULT_CALLS(
            "rotor.audit.vault-calls",
            "summary",
            "how the executor audits its Vault calls: summary (listed in the rotation's ROTATION_FINISHED record, "
                    + "details vault_calls) or each (one VAULT_CALL record per call besides)"),
    EXECUTOR_MAX_QUEUED_PER_SECRET(
            "rotor.executor.max-queued-per-secret",
            "32",
            "commands that may wait for one secret; more are FAILED at once with a critical alert"),

    NOTIFY_ALERTS_SINKS(
            "rotor.notify.security-alerts.sinks",
            "",
            "where success notifications are delivered besides Kafka: slack (empty: nowhere)"),
    NOTIFY_CRITICAL_SINKS(
            "rotor.notify.security-critical.sinks",
            "",
            "where failure notifications are delivered besides Kafka: slack, pagerduty or both (empty: nowhere)"),
    NOTIFY_PAGERDUTY_URL(
            "rotor.notify.pagerduty.url",
            "https://events.pagerduty.com/v2/enqueue",
            "PagerDuty Events API v2 endpoint"),
    NOTIFY_PAGERDUTY_SOURCE("rotor.notify.pagerduty.source", "rotor", "the payload.source of PagerDuty events"),
    NOTIFY_TIMEOUT("rotor.notify.timeout", "5s", "limit on each HTTP request to a sink (connect and response)"),
    NOTIFY_MAX_ATTEMPTS(
            "rotor.notify.max-attempts", "5", "attempts per notification and sink before it is given up (failed)"),
    NOTIFY_BACKOFF("rotor.notify.backoff", "1s", "pause before the first retry; doubles after each, at most 30s"),
    NOTIFY_DEDUP_WINDOW(
            "rotor.notify.dedup-window",
            "1000",
            "notifications per partition remembered (and re-read at start) to recognise a redelivery"),
    NOTIFY_GROUP_ID("rotor.notify.group-id", "rotor-notify", "consumer group of the notification delivery");

    private static final Map<String, Setting> BY_KEY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));
    private static final Map<String, Setting> BY_ENV =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Setting::envName, Function.identity()));

    private final String key;
    private final String defaultValue;
    private final String doc;

    Setting(final String key, final String defaultValue, final String doc) {
        this.key = key;
        this.defaultValue = defaultValue;
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
