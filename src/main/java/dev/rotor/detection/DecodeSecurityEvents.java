package dev.rotor.detection;

import dev.rotor.adapters.Adaptation;
import dev.rotor.adapters.Adapters;
import dev.rotor.adapters.SourceAdapter;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.Indicator;
import dev.rotor.config.Durations;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.InvalidEventException;
import dev.rotor.serde.Redaction;
import dev.rotor.serde.InvalidEventException.Code;
import dev.rotor.serde.SecurityEventDecoder;
import dev.rotor.streams.CommitPacer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@code decode-security-events} and each adapter source's {@code adapt-<topic>}: the stateless front of detection.
 * One class for both, so native and adapted events share one validation and routing path.
 *
 * <ol>
 *   <li>Reads: raw records of one input (any key): {@code security-events} (JSON or Avro {@link SecurityEvent}s), or
 *       an adapter source's topic (OCSF, Vault audit, GitHub, AWS JSON, read by a
 *       {@link dev.rotor.adapters.SourceAdapter} into zero or more events).</li>
 *   <li>Writes: for each allowed secret of an event that the trigger matrix does not ignore, a
 *       {@link DetectionOutput.PerSecretEvent} keyed by the secret path and stamped with the event's time (for the
 *       repartition); audit records for what is settled here (not a compromise indicator, no affected secrets,
 *       path refused; for adapted records also UNMAPPED — the principal maps to no secret — and NOT_RELEVANT — the
 *       record is no security event, unless {@code rotor.adapters.audit-not-relevant=false}).</li>
 *   <li>Guarantees: every event, native or adapted, passes the same checks (clock skew, counts) and the same path
 *       policy. An invalid record raises an {@link InvalidEventException} (for an adapter source, aimed at the
 *       source's own DLQ); the processing exception handler turns it into a DLQ record with the original bytes and
 *       processing goes on. A native event naming a refused path is dead-lettered too (its sender asked for it); an
 *       adapted one is only audited, as its path comes from rotor's own mapping. The allowed secrets of an event with
 *       some refused paths are still processed. Counts total, invalid, unmapped and not-relevant records in
 *       {@value DetectionStatistics#EVENT_STATISTICS_STORE}.</li>
 *   <li>Limits: no state besides the counters; windows, cooldown and lateness are the rules' business. A record is
 *       validated whole before anything of it is forwarded, so one bad event of a batch (a CloudTrail log file)
 *       dead-letters the whole record.</li>
 * </ol>
 */
final class DecodeSecurityEvents implements Processor<byte[], byte[], String, DetectionOutput> {
    private final CommitPacer commitPacer = new CommitPacer();
    /** Reads one record's value into events; throws {@link InvalidEventException} for a record it cannot read. */
    @FunctionalInterface
    interface Reader {
        Adaptation read(String topic, byte[] value, long recordTimestamp);
    }

    /**
     * One input of detection.
     *
     * @param reader            how its records become events
     * @param deadLetterTopic   its own DLQ, or empty for the configured one
     * @param refusedPathsToDlq whether an event naming a refused path sends the record to the DLQ
     * @param auditNotRelevant  whether records that are no security event are audited (else only counted)
     */
    record Input(Reader reader, Optional<String> deadLetterTopic, boolean refusedPathsToDlq, boolean auditNotRelevant) {
        /** {@code security-events}: rotor's own event format. */
        static Input securityEvents(final SecurityEventDecoder decoder) {
            return new Input((topic, value, timestamp) -> Adaptation.of(decoder.decode(topic, value)), Optional.empty(),
                    true, true);
        }

        /** An adapter source's topic. */
        static Input adapted(final SourceAdapter adapter, final String deadLetterTopic, final int maxBytes,
                             final boolean auditNotRelevant) {
            return new Input((topic, value, timestamp) -> Adapters.adapt(adapter, value, timestamp, maxBytes),
                    Optional.of(deadLetterTopic), false, auditNotRelevant);
        }
    }

    private record Decided(SecurityEvent event, TriggerMatrix.Decision decision) {
    }

    private final Input input;
    private final SecretPathPolicy policy;
    private final long maxClockSkewMs;
    private final Duration maxEventAge;
    private ProcessorContext<String, DetectionOutput> context;
    private KeyValueStore<String, Long> statistics;

    DecodeSecurityEvents(final SecurityEventDecoder decoder, final SecretPathPolicy policy, final Duration maxClockSkew,
                         final Duration maxEventAge) {
        this(Input.securityEvents(decoder), policy, maxClockSkew, maxEventAge);
    }

    DecodeSecurityEvents(final Input input, final SecretPathPolicy policy, final Duration maxClockSkew,
                         final Duration maxEventAge) {
        this.input = input;
        this.policy = policy;
        this.maxClockSkewMs = maxClockSkew.toMillis();
        this.maxEventAge = maxEventAge;
    }

    @Override
    public void init(final ProcessorContext<String, DetectionOutput> context) {
        this.context = context;
        this.statistics = context.getStateStore(DetectionStatistics.EVENT_STATISTICS_STORE);
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        DetectionStatistics.increment(statistics, DetectionStatistics.TOTAL_EVENTS, 1);
        final Adaptation adaptation;
        final List<Decided> decided = new ArrayList<>();
        try {
            final String topic = context.recordMetadata().map(RecordMetadata::topic).orElse(null);
            adaptation = input.reader().read(topic, record.value(), record.timestamp());
            for (final SecurityEvent event : adaptation.events()) {
                decided.add(new Decided(event, validate(event)));
            }
            for (final Adaptation.Unmapped u : adaptation.unmapped()) {
                validate(u.event());
            }
        } catch (final InvalidEventException e) {
            DetectionStatistics.increment(statistics, DetectionStatistics.INVALID_EVENTS, 1);
            throw input.deadLetterTopic().map(e::toDeadLetterTopic).orElse(e);
        }
        settle(adaptation);
        final List<String> refusals = new ArrayList<>();
        int named = 0;
        String refusedEvent = null;
        for (final Decided d : decided) {
            final List<String> paths = AffectedSecrets.of(d.event());
            final List<String> refused = route(d.event(), d.decision(), paths);
            named += paths.size();
            if (!refused.isEmpty() && refusedEvent == null) {
                refusedEvent = d.event().getEventId();
            }
            refusals.addAll(refused);
        }
        if (!refusals.isEmpty() && input.refusedPathsToDlq()) {
            throw new InvalidEventException(Code.REFUSED_PATH, "refused " + refusals.size() + " of " + named
                    + " secret paths: " + String.join("; ", refusals), refusedEvent);
        }
    }

    /**
     * The checks every event passes before any of its record is forwarded; returns its trigger-matrix decision. The
     * event time must lie within [now - max-event-age, now + max-clock-skew] of rotor's wall clock: an event too old
     * (a replayed archive, a time misread by orders of magnitude) is refused rather than trusted, as the executor
     * would otherwise weigh it against a secret's later changes.
     */
    private TriggerMatrix.Decision validate(final SecurityEvent event) {
        final long now = context.currentSystemTimeMs();
        final long eventTime = event.getTimestamp().toEpochMilli();
        if (eventTime > now + maxClockSkewMs) {
            throw new InvalidEventException(Code.FUTURE_TIMESTAMP, "timestamp is more than "
                    + Duration.ofMillis(maxClockSkewMs) + " ahead of rotor's clock", event.getEventId());
        }
        if (eventTime < now - Math.min(now, maxEventAge.toMillis())) {
            throw new InvalidEventException(Code.STALE_TIMESTAMP, "timestamp is more than "
                    + Durations.format(maxEventAge) + " before rotor's clock (rotor.max-event-age)",
                    event.getEventId());
        }
        final Indicator indicator = TriggerMatrix.indicator(event.getEventType());
        final TriggerMatrix.Decision decision = TriggerMatrix.decide(indicator, event.getThreatLevel());
        if (decision.action() != TriggerMatrix.Action.ROTATE) {
            try {
                Weights.of(event, indicator);
            } catch (final InvalidEventException e) {
                throw e.forEvent(event.getEventId());
            }
        }
        return decision;
    }

    /** Audits (or counts) what an adapter settled: principals that map to no secret, records that are no event. */
    private void settle(final Adaptation adaptation) {
        final long now = context.currentSystemTimeMs();
        for (final Adaptation.Unmapped u : adaptation.unmapped()) {
            DetectionStatistics.increment(statistics, DetectionStatistics.UNMAPPED_EVENTS, 1);
            final SecurityEvent e = u.event();
            final TriggerMatrix.Decision decision = TriggerMatrix.decide(TriggerMatrix.indicator(e.getEventType()),
                    e.getThreatLevel());
            audit(e.getEventId(), AuditRecords.unmapped(e, u.principal(), decision.rule(), now), now);
        }
        if (adaptation.notRelevant().isEmpty()) {
            return;
        }
        DetectionStatistics.increment(statistics, DetectionStatistics.NOT_RELEVANT_EVENTS,
                adaptation.notRelevant().size());
        if (!input.auditNotRelevant()) {
            return;
        }
        final String position = context.recordMetadata()
                .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("unknown");
        int i = 0;
        for (final Adaptation.NotRelevant n : adaptation.notRelevant()) {
            final String at = adaptation.notRelevant().size() == 1 ? position : position + "#" + i;
            i++;
            audit(n.eventId() != null ? n.eventId() : at, AuditRecords.notRelevant(n, at, now), now);
        }
    }

    /** Forwards the event's allowed secrets and audits what is settled here; returns the refusals. */
    private List<String> route(final SecurityEvent event, final TriggerMatrix.Decision decision,
                               final List<String> named) {
        final long now = context.currentSystemTimeMs();
        final List<String> refusals = new ArrayList<>();
        if (named.isEmpty()) {
            audit(event.getEventId(), AuditRecords.of(AuditDecision.NO_AFFECTED_SECRETS,
                    "the event names no secret (affected_resources, metadata.secret_path, metadata.secret_paths)",
                    event, null, decision.rule(), null, now, Map.of()), now);
            return refusals;
        }
        final Set<String> allowed = new LinkedHashSet<>();
        for (final String raw : named) {
            final SecretPathPolicy.Verdict v = policy.check(raw);
            if (v.allowed()) {
                allowed.add(v.path());
            } else {
                final String shown = SecretPathPolicy.printable(v.path());
                refusals.add("'" + shown + "' " + v.refusal().get());
                audit(event.getEventId(), AuditRecords.of(AuditDecision.PATH_REFUSED,
                        "secret path refused: " + v.refusal().get(), event, null, decision.rule(), null, now,
                        Map.of("refused_path", shown)), now);
            }
        }
        final Map<String, String> sliceMetadata = withoutPathLists(event.getMetadata());
        for (final String path : allowed) {
            if (decision.action() == TriggerMatrix.Action.IGNORE) {
                audit(path, AuditRecords.of(AuditDecision.NOT_AN_INDICATOR, event.getThreatLevel() + " "
                        + event.getEventType() + " is not a compromise indicator", event, path, decision.rule(), null,
                        now, Map.of()), now);
            } else {
                context.forward(new Record<>(path, new DetectionOutput.PerSecretEvent(slice(event, path, sliceMetadata)),
                        event.getTimestamp().toEpochMilli()));
            }
        }
        if (decision.action() == TriggerMatrix.Action.ROTATE && !allowed.isEmpty()) {
            commitPacer.requestCommit(context); // a lone direct trigger reaches the rules without waiting for the interval
        }
        return refusals;
    }

    private void audit(final String key, final dev.rotor.avro.AuditRecord audit, final long now) {
        context.forward(new Record<>(key, new DetectionOutput.Audit(audit), now));
    }

    /**
     * The event as it concerns one secret. The path lists, which may name thousands of secrets, are not copied into
     * every secret's record; the slices share the other (immutable from here on) values.
     */
    static SecurityEvent slice(final SecurityEvent event, final String path, final Map<String, String> metadata) {
        return new SecurityEvent(event.getEventId(), event.getEventType(), event.getThreatLevel(),
                event.getDescription(), List.of(path), event.getSourceIp(), event.getTimestamp(), metadata);
    }

    /** The metadata commands and audit records carry: no path lists, and secret-named values redacted. */
    private static Map<String, String> withoutPathLists(final Map<String, String> metadata) {
        final Map<String, String> m = new LinkedHashMap<>(metadata);
        m.remove(AffectedSecrets.SECRET_PATH);
        m.remove(AffectedSecrets.SECRET_PATHS);
        return Redaction.redacted(m);
    }
}
