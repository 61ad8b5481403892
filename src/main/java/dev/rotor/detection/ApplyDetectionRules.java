package dev.rotor.detection;

import dev.rotor.audit.AuditRecords;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.Indicator;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.Trigger;
import dev.rotor.config.Durations;
import dev.rotor.config.RotorConfig;
import dev.rotor.events.Hashing;
import dev.rotor.redaction.Redaction;
import dev.rotor.streams.Statistic;
import dev.rotor.streams.Telemetry;
import dev.rotor.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code apply-detection-rules}: the stateful half of detection, one secret at a time.
 *
 * <ol>
 *   <li>Reads: one secret's slice of an event, keyed by secret path, stamped with event time (from the
 *       {@code events-by-secret-path} repartition, so one secret's events meet in one task, in order).
 *   <li>Writes: a {@link RotationCommand} when the trigger matrix says rotate or a window reaches its threshold; an
 *       audit record for every decision that changes or refuses something (ROTATE, SUPPRESSED, LATE, DUPLICATE_EVENT)
 *       and, as {@code rotor.audit.below-threshold} says, for counted events that stay below the threshold
 *       (BELOW_THRESHOLD: all, only when the window sum reaches half the threshold, or none).
 *   <li>Guarantees: exact "weight N within any window of length W" (both ends inclusive) per secret, in event time;
 *       counts start again from zero after a threshold is reached (whether that rotated or was suppressed) and after
 *       any command; within the cooldown after a command further triggers are SUPPRESSED, except manual_trigger, which
 *       has its own limit: one per secret per {@code rotor.manual-trigger.interval}, later ones SUPPRESSED; a counted
 *       event more than the grace behind the newest event counted for its secret is audited LATE and not counted; a
 *       resent event (same id) is counted once. One read and one write of {@value #STORE} per event.
 *   <li>Clocks: the event's own time places it in its secret's windows and decides its lateness, judged per secret
 *       (never against the task's stream time, so partitions or sources progressing unevenly do not make events late).
 *       rotor's clock, which a sender cannot forge, runs the cooldown and decides when a secret's state is forgotten (a
 *       wall-clock punctuation every {@code rotor.state-cleanup-interval}): a replayed backlog or an event stamped
 *       ahead can neither end a cooldown early nor get another secret's count wiped.
 *   <li>Limits: commands carry the id of the event that crossed the threshold.
 * </ol>
 */
final class ApplyDetectionRules implements Processor<String, SecurityEvent, Object, Object> {
    static final String STORE = "secret-detection-state";
    private static final Logger LOG = LoggerFactory.getLogger(ApplyDetectionRules.class);

    private final RotorConfig.DetectionSettings settings;
    private final Telemetry telemetry;
    private final byte[] handedOverBy;
    private final long graceMs;
    private final long cooldownMs;
    private final long manualIntervalMs;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, SecretState> states;
    private KeyValueStore<String, Long> statistics;

    /**
     * @param handedOverBy null: commands go to rotation-commands only; else the single client's application id, and
     *     each command also goes straight to the executor (child {@value DetectionTopology#HAND_OVER}) and is written
     *     to rotation-commands with that id in header {@value Topics#HANDED_OVER_HEADER}
     */
    ApplyDetectionRules(
            final RotorConfig.DetectionSettings settings, final Telemetry telemetry, final String handedOverBy) {
        this.settings = settings;
        this.telemetry = telemetry;
        this.handedOverBy = handedOverBy == null ? null : handedOverBy.getBytes(StandardCharsets.UTF_8);
        this.graceMs = settings.grace().toMillis();
        this.cooldownMs = settings.cooldown().toMillis();
        this.manualIntervalMs = settings.manualTriggerInterval().toMillis();
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.states = context.getStateStore(STORE);
        this.statistics = context.getStateStore(DetectionStatistics.DECISION_STATISTICS_STORE);
        // rotor's clock, not stream time: one event stamped ahead (or a backfill) must not make every other secret's
        // state look idle on this task
        context.schedule(settings.stateCleanupInterval(), PunctuationType.WALL_CLOCK_TIME, this::removeIdleState);
    }

    @Override
    public void process(final Record<String, SecurityEvent> record) {
        final String path = record.key();
        final SecurityEvent event = record.value();
        final Indicator indicator = TriggerMatrix.indicator(event.getEventType());
        final TriggerMatrix.Decision decision = TriggerMatrix.decide(indicator, event.getThreatLevel());
        final long now = now();
        SecretState state = states.get(path);
        if (state == null) {
            state = new SecretState();
        }
        state.lastSeenAt = now;
        switch (decision.action()) {
            case ROTATE -> {
                if (indicator == Indicator.manual_trigger) {
                    if (state.manualTooSoon(now, manualIntervalMs)) {
                        suppressManual(path, event, decision.rule(), state);
                    } else {
                        command(path, event, decision.rule(), state, Map.of());
                        state.manualCommanded(now);
                    }
                } else if (state.inCooldown(now, cooldownMs)) {
                    suppress(path, event, decision.rule(), state, Map.of());
                } else {
                    command(path, event, decision.rule(), state, Map.of());
                }
            }
            case COUNT_FAILED_AUTH, COUNT_RATE_LIMIT -> {
                if (!count(path, event, indicator, decision, state)) {
                    return;
                }
            }
            default -> throw new IllegalStateException("ignored events are settled before the repartition");
        }
        states.put(path, state);
    }

    /** Returns whether the state changed. */
    private boolean count(
            final String path,
            final SecurityEvent event,
            final Indicator indicator,
            final TriggerMatrix.Decision decision,
            final SecretState state) {
        final long eventTime = event.getTimestamp().toEpochMilli();
        final boolean failedAuth = decision.action() == TriggerMatrix.Action.COUNT_FAILED_AUTH;
        final long window = (failedAuth ? settings.failedAuthWindow() : settings.rateLimitWindow()).toMillis();
        final long threshold = failedAuth ? settings.failedAuthThreshold() : settings.rateLimitThreshold();
        // lateness is judged per secret, against the newest event counted for it, so uneven progress of the
        // partitions (a catch-up after downtime, a slow producer) does not make other secrets' events late
        final long newest = state.newestCounted == SecretState.NEVER ? eventTime : state.newestCounted;
        if (eventTime < newest - graceMs) {
            Statistic.LATE_EVENTS.increment(statistics, 1);
            audit(
                    path,
                    AuditRecords.decided(
                                    AuditDecision.LATE,
                                    "event is " + Durations.format(Duration.ofMillis(newest - eventTime))
                                            + " behind the newest event counted for this"
                                            + " secret, more than the grace of " + Durations.format(settings.grace())
                                            + "; not counted",
                                    now())
                            .about(event)
                            .secret(path)
                            .rule(decision.rule())
                            .details(Map.of(
                                    "newest_event_time",
                                    Instant.ofEpochMilli(newest).toString()))
                            .identifiedBy(event.getEventId(), path, AuditDecision.LATE.name()));
            return false;
        }
        final WindowCounts counts = state.counts(decision.action());
        final long fingerprint = Hashing.fingerprint(event.getEventId());
        if (counts.containsFingerprint(fingerprint)) {
            Statistic.DUPLICATE_EVENTS.increment(statistics, 1);
            audit(
                    path,
                    AuditRecords.decided(AuditDecision.DUPLICATE_EVENT, "event already counted for this secret", now())
                            .about(event)
                            .secret(path)
                            .rule(decision.rule())
                            .identifiedBy(event.getEventId(), path, AuditDecision.DUPLICATE_EVENT.name()));
            return false;
        }
        state.newestCounted = Math.max(newest, eventTime);
        counts.pruneBefore(state.newestCounted - graceMs - window);
        final long weight = Weights.of(event, indicator);
        counts.add(eventTime, weight, fingerprint);
        final long sum = counts.maxWindowSumContaining(eventTime, window);
        final Map<String, String> details = Map.of(
                "weight",
                Long.toString(weight),
                "window_sum",
                Long.toString(sum),
                "threshold",
                Long.toString(threshold),
                "window",
                Durations.format(Duration.ofMillis(window)));
        if (sum < threshold) {
            if (auditBelowThreshold(sum, weight, threshold)) {
                audit(
                        path,
                        AuditRecords.decided(
                                        AuditDecision.BELOW_THRESHOLD,
                                        sum + " of " + threshold + " within " + details.get("window"),
                                        now())
                                .about(event)
                                .secret(path)
                                .rule(decision.rule())
                                .details(details)
                                .identifiedBy(event.getEventId(), path, AuditDecision.BELOW_THRESHOLD.name()));
            } else {
                telemetry.decision(AuditDecision.BELOW_THRESHOLD.name(), event.getEventType());
            }
        } else if (state.inCooldown(now(), cooldownMs)) {
            suppress(path, event, decision.rule(), state, details);
            state.resetCounts();
        } else {
            command(path, event, decision.rule(), state, details);
        }
        return true;
    }

    /**
     * Whether a counted event below the threshold is audited ({@code rotor.audit.below-threshold}): every one, none, or
     * only the one with which the window sum reaches half the threshold — an attack building up shows in the audit
     * trail, background noise (one or two failed logins per secret) does not double the output volume.
     */
    private boolean auditBelowThreshold(final long sum, final long weight, final long threshold) {
        return switch (settings.belowThresholdAudit()) {
            case ALL -> true;
            case NONE -> false;
            case CROSSINGS -> {
                final long half = threshold / 2 + threshold % 2;
                yield sum >= half && sum - weight < half;
            }
        };
    }

    private void command(
            final String path,
            final SecurityEvent event,
            final String rule,
            final SecretState state,
            final Map<String, String> details) {
        final long now = now();
        final String commandId = commandId(event.getEventId(), path);
        final RotationCommand command = RotationCommand.newBuilder()
                .setCommandId(commandId)
                .setEventId(event.getEventId())
                .setSecretPath(path)
                .setRule(rule)
                .setThreatLevel(event.getThreatLevel())
                .setEventType(event.getEventType())
                .setIndicator(TriggerMatrix.indicator(event.getEventType()))
                .setTrigger(Trigger.newBuilder() // redacted at decoding; again for records from before redaction
                        .setDescription(Redaction.text(event.getDescription()))
                        .setSourceIp(Redaction.text(event.getSourceIp()))
                        .setTimestamp(event.getTimestamp())
                        .setMetadata(Redaction.metadata(withoutSecretsCount(event.getMetadata())))
                        .build())
                .setSecretsInEvent(secretsInEvent(event.getMetadata()))
                .setRequestedAt(Instant.ofEpochMilli(now))
                .build();
        state.commanded(now);
        Statistic.EMERGENCY_ROTATIONS.increment(statistics, 1);
        LOG.info("Rotate {}: rule {}, event {}, command {}", path, rule, event.getEventId(), commandId);
        telemetry.command(rule);
        final Record<String, RotationCommand> out = new Record<>(path, command, now);
        context.forward(
                handedOverBy == null
                        ? out
                        : out.withHeaders(new RecordHeaders().add(Topics.HANDED_OVER_HEADER, handedOverBy)),
                DetectionTopology.WRITE_COMMANDS);
        audit(
                path,
                AuditRecords.decided(AuditDecision.ROTATE, "rotate: " + rule, now)
                        .about(event)
                        .secret(path)
                        .rule(rule)
                        .command(commandId)
                        .details(details)
                        .identifiedBy(event.getEventId(), path, AuditDecision.ROTATE.name()));
        if (handedOverBy != null) {
            context.forward(out, DetectionTopology.HAND_OVER); // after the audit, so ROTATE precedes the executor's
        }
    }

    private void suppress(
            final String path,
            final SecurityEvent event,
            final String rule,
            final SecretState state,
            final Map<String, String> details) {
        final Instant until = Instant.ofEpochMilli(state.lastCommandAt + cooldownMs);
        suppressed(
                path,
                event,
                rule,
                "cooldown",
                until,
                rule + " fired within the cooldown of " + Durations.format(settings.cooldown())
                        + " after the last command (until " + until + ")",
                details);
    }

    /**
     * A manual_trigger within {@code rotor.manual-trigger.interval} of the secret's last manual rotation: an operator
     * who really needs another one waits out the interval; a script looping over {@code rotor trigger} or a replayed
     * backlog of triggers rotates the secret once.
     */
    private void suppressManual(
            final String path, final SecurityEvent event, final String rule, final SecretState state) {
        final Instant until = Instant.ofEpochMilli(state.lastManualAt + manualIntervalMs);
        suppressed(
                path,
                event,
                rule,
                "manual-trigger interval",
                until,
                "manual_trigger within the manual-trigger "
                        + "interval of " + Durations.format(settings.manualTriggerInterval())
                        + " after the last manual "
                        + "rotation (until " + until + ")",
                Map.of("limit", "rotor.manual-trigger.interval"));
    }

    /** Counts, logs and audits a trigger that a limit ({@code limit}, running {@code until}) kept from rotating. */
    private void suppressed(
            final String path,
            final SecurityEvent event,
            final String rule,
            final String limit,
            final Instant until,
            final String reason,
            final Map<String, String> details) {
        Statistic.SUPPRESSED.increment(statistics, 1);
        LOG.info("Suppressed {}: rule {}, event {}, {} until {}", path, rule, event.getEventId(), limit, until);
        audit(
                path,
                AuditRecords.decided(AuditDecision.SUPPRESSED, reason, now())
                        .about(event)
                        .secret(path)
                        .rule(rule)
                        .details(details)
                        .identifiedBy(event.getEventId(), path, AuditDecision.SUPPRESSED.name()));
    }

    private void audit(final String key, final AuditRecord audit) {
        telemetry.decision(audit.getDecision().name(), audit.getEventType() == null ? "" : audit.getEventType());
        if (audit.getDecision() == AuditDecision.LATE) {
            telemetry.lateEvent();
        }
        context.forward(
                new Record<>(key, audit, audit.getRecordedAt().toEpochMilli()), DetectionTopology.WRITE_DECIDED_AUDIT);
    }

    private long now() {
        return context.currentSystemTimeMs();
    }

    /**
     * Wall-clock punctuation. Removes what can no longer matter: events older than their secret's newest counted event
     * minus grace and the longest window (event time, per secret), and the whole state of a secret whose cooldown has
     * ended and that holds no counted events or has had no event for twice (grace + longest window) of rotor's own
     * clock. Another secret's event times never decide it. Changes are applied after the scan, so the store is not
     * modified under its own iterator.
     */
    private void removeIdleState(final long now) {
        final long span = graceMs + settings.longestWindow().toMillis();
        final List<String> idle = new ArrayList<>();
        final List<KeyValue<String, SecretState>> pruned = new ArrayList<>();
        try (KeyValueIterator<String, SecretState> it = states.all()) {
            while (it.hasNext()) {
                final KeyValue<String, SecretState> kv = it.next();
                final SecretState s = kv.value;
                final boolean changed = s.newestCounted != SecretState.NEVER && s.pruneBefore(s.newestCounted - span);
                // a manual trigger's limit outlives a shorter cooldown: the state that holds it stays
                if (s.forgettable(now, Math.max(cooldownMs, manualIntervalMs), 2 * span)) {
                    idle.add(kv.key);
                } else if (changed) {
                    pruned.add(kv);
                }
            }
        }
        idle.forEach(states::delete);
        states.putAll(pruned);
    }

    /** Deterministic: the same event and secret give the same command id, so the executor can refuse a replay. */
    static String commandId(final String eventId, final String path) {
        return "cmd-" + Hashing.id("command", eventId, path);
    }

    /** How many secrets the command's event named, as decoding counted them; 1 for a slice from an older build. */
    static int secretsInEvent(final Map<String, String> metadata) {
        try {
            return Integer.parseInt(metadata.getOrDefault(DecodeSecurityEvents.SECRETS_IN_EVENT, "1"));
        } catch (final NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static Map<String, String> withoutSecretsCount(final Map<String, String> metadata) {
        if (!metadata.containsKey(DecodeSecurityEvents.SECRETS_IN_EVENT)) {
            return metadata;
        }
        final Map<String, String> m = new LinkedHashMap<>(metadata);
        m.remove(DecodeSecurityEvents.SECRETS_IN_EVENT);
        return m;
    }
}
