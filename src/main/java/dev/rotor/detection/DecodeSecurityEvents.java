package dev.rotor.detection;

import dev.rotor.adapters.Adaptation;
import dev.rotor.adapters.Adapters;
import dev.rotor.adapters.SourceAdapter;
import dev.rotor.audit.AuditRecords;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.Indicator;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.config.Durations;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import dev.rotor.redaction.Redaction;
import dev.rotor.serde.RegistryException;
import dev.rotor.serde.SecurityEventDecoder;
import dev.rotor.streams.DeadLetters;
import dev.rotor.streams.Statistic;
import dev.rotor.streams.Telemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code decode-security-events}: the front of detection, for every input. One processor for all, so native and adapted
 * events share one validation and routing path.
 *
 * <ol>
 *   <li>Reads: raw records of every input (any key): {@code security-events} (JSON or Avro {@link SecurityEvent}s) and
 *       each adapter source's topic (OCSF, Vault audit, GitHub, AWS JSON, read by a
 *       {@link dev.rotor.adapters.SourceAdapter} into zero or more events); the record's topic says which.
 *   <li>Writes, each to its sink by name: for each allowed secret of an event that the trigger matrix does not ignore,
 *       a slice of the event keyed by the secret path and stamped with the event's time (to the repartition,
 *       {@link DetectionTopology#TO_RULES}); audit records for what is settled here (not a compromise indicator, no
 *       affected secrets, path refused; for adapted records also UNMAPPED — the principal maps to no secret — and
 *       NOT_RELEVANT — the record is no security event, unless {@code rotor.adapters.audit-not-relevant=false}).
 *   <li>Guarantees: every event, native or adapted, passes the same checks (not stamped too far ahead or too long ago,
 *       counts) and the same path policy. An invalid record raises an {@link InvalidEventException} (for an adapter
 *       source, aimed at the source's own DLQ); the processing exception handler turns it into a DLQ record with the
 *       original bytes and processing goes on. A native event naming a refused path is dead-lettered too (its sender
 *       asked for it); an adapted one is only audited, as its path comes from rotor's own mapping. The allowed secrets
 *       of an event with some refused paths are still processed. Counts total, invalid, unmapped and not-relevant
 *       records in {@value DetectionStatistics#EVENT_STATISTICS_STORE}.
 *   <li>The schema registry: a native Avro record whose writer schema cannot be fetched (registry unreachable or
 *       refusing rotor) is not the record's fault. It waits in {@value AwaitingRegistry#STORE} with the Avro records
 *       after it, while JSON records go on; a wall-clock punctuation retries the oldest and, once the registry answers,
 *       decides them all in order (dead-lettering those then found invalid itself, since no handler wraps a
 *       punctuation). A record that waited {@link RegistryWait#maxWait()}, or that finds
 *       {@link RegistryWait#maxRecords()} already waiting, is dead-lettered as {@code REGISTRY_UNAVAILABLE}.
 *   <li>Limits: no state besides the counters and the records waiting for the registry; windows, cooldown and lateness
 *       are the rules' business. A record is validated whole before anything of it is forwarded, so one bad event of a
 *       batch (a CloudTrail log file) dead-letters the whole record.
 * </ol>
 */
final class DecodeSecurityEvents implements Processor<byte[], byte[], Object, Object> {
    /**
     * The slice metadata key in which decoding tells the rules how many secrets the event named (for the storm
     * breaker's per-event limit); the rules move it into the command's {@code secrets_in_event}.
     */
    static final String SECRETS_IN_EVENT = "rotor.secrets_in_event";
    /** Reads one record's value into events; throws {@link InvalidEventException} for a record it cannot read. */
    @FunctionalInterface
    interface Reader {
        Adaptation read(String topic, byte[] value, long recordTimestamp);
    }

    /**
     * How the native input waits for an unusable schema registry.
     *
     * @param retryEvery how often the oldest waiting record is tried again (wall-clock time)
     * @param maxWait a record that waited this long is dead-lettered ({@code REGISTRY_UNAVAILABLE})
     * @param maxRecords beyond this many waiting records per task, new Avro records are dead-lettered at once
     * @param deadLetterTopic where such records go
     * @param maxRecordBytes the producer's limit, which a dead letter must respect
     * @param telemetry told how many records wait, for readiness and metrics
     */
    record RegistryWait(
            Duration retryEvery,
            Duration maxWait,
            long maxRecords,
            String deadLetterTopic,
            int maxRecordBytes,
            Telemetry telemetry) {}

    /**
     * One input of detection.
     *
     * @param reader how its records become events
     * @param deadLetterTopic its own DLQ, or empty for the configured one
     * @param refusedPathsToDlq whether an event naming a refused path sends the record to the DLQ
     * @param auditNotRelevant whether records that are no security event are audited (else only counted)
     * @param registryWait for an input with Avro records: how they wait while the schema registry is out
     */
    record Input(
            Reader reader,
            Optional<String> deadLetterTopic,
            boolean refusedPathsToDlq,
            boolean auditNotRelevant,
            Optional<RegistryWait> registryWait) {
        /** {@code security-events}: rotor's own event format. */
        static Input securityEvents(final SecurityEventDecoder decoder, final RegistryWait registryWait) {
            return new Input(
                    (topic, value, timestamp) -> Adaptation.of(decoder.decode(topic, value)),
                    Optional.empty(),
                    true,
                    true,
                    Optional.of(registryWait));
        }

        /** An adapter source's topic. */
        static Input adapted(
                final SourceAdapter adapter,
                final String deadLetterTopic,
                final int maxBytes,
                final boolean auditNotRelevant) {
            return new Input(
                    (topic, value, timestamp) -> Adapters.adapt(adapter, value, timestamp, maxBytes),
                    Optional.of(deadLetterTopic),
                    false,
                    auditNotRelevant,
                    Optional.empty());
        }
    }

    private record Decided(SecurityEvent event, TriggerMatrix.Decision decision) {}

    /** Refused paths named in a DLQ reason; the rest are counted (each is audited on its own). */
    static final int REFUSALS_SHOWN = 2;

    private static final Logger LOG = LoggerFactory.getLogger(DecodeSecurityEvents.class);

    private final Map<String, Input> inputs;
    private final Optional<RegistryWait> registryWait;
    private final SecretPathPolicy policy;
    private final long maxClockSkewMs;
    private final Duration maxEventAge;
    private final Telemetry telemetry;
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Long> statistics;
    private AwaitingRegistry waiting;
    private String task;

    /** @param inputs the inputs by topic: {@code security-events} and each adapter source */
    DecodeSecurityEvents(
            final Map<String, Input> inputs,
            final SecretPathPolicy policy,
            final Duration maxClockSkew,
            final Duration maxEventAge,
            final Telemetry telemetry) {
        this.inputs = Map.copyOf(inputs);
        this.registryWait =
                inputs.values().stream().flatMap(i -> i.registryWait().stream()).findFirst();
        this.telemetry = telemetry;
        this.policy = policy;
        this.maxClockSkewMs = maxClockSkew.toMillis();
        this.maxEventAge = maxEventAge;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.statistics = context.getStateStore(DetectionStatistics.EVENT_STATISTICS_STORE);
        if (registryWait.isPresent()) {
            final RegistryWait wait = registryWait.get();
            this.task = context.applicationId() + "/" + context.taskId();
            this.waiting = new AwaitingRegistry(context.getStateStore(AwaitingRegistry.STORE));
            wait.telemetry().recordsAwaitingRegistry(task, waiting.size());
            context.schedule(wait.retryEvery(), PunctuationType.WALL_CLOCK_TIME, this::retryWaiting);
        }
    }

    @Override
    public void close() {
        registryWait.ifPresent(w -> w.telemetry().recordsAwaitingRegistry(task, 0));
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        Statistic.TOTAL_EVENTS.increment(statistics, 1);
        final DeadLetters.Source source = source(record);
        final Input input = inputs.get(source.topic());
        if (input == null) {
            throw new IllegalStateException("no input is configured for topic " + source.topic());
        }
        final boolean parks = input.registryWait().isPresent();
        if (parks && !waiting.isEmpty() && isAvro(record.value())) {
            park(source); // behind the records already waiting, so Avro records keep their order
            return;
        }
        try {
            decide(input, source);
        } catch (final RegistryException e) {
            if (!parks) {
                throw e;
            }
            LOG.warn(
                    "Schema registry unusable ({}); Avro record {}-{}@{} waits for it, JSON input goes on",
                    DeadLetters.cap(e.getMessage(), 200),
                    source.topic(),
                    source.partition(),
                    source.offset());
            park(source);
        }
    }

    /**
     * Decides one record: forwards its secrets' events and the audits settled here. Throws
     * {@link InvalidEventException} for a record rotor refuses (the caller dead-letters it) and lets a
     * {@link RegistryException} through (the registry, not the record, is at fault).
     */
    private void decide(final Input input, final DeadLetters.Source source) {
        final Adaptation adaptation;
        final List<Decided> decided = new ArrayList<>();
        try {
            adaptation = input.reader().read(source.topic(), source.value(), source.timestamp());
            for (final SecurityEvent event : adaptation.events()) {
                decided.add(new Decided(event, validate(event)));
            }
            for (final Adaptation.Unmapped u : adaptation.unmapped()) {
                validate(u.event());
            }
        } catch (final InvalidEventException e) {
            Statistic.INVALID_EVENTS.increment(statistics, 1);
            throw input.deadLetterTopic().map(e::toDeadLetterTopic).orElse(e);
        }
        settle(input, adaptation, source.topic() + "-" + source.partition() + "@" + source.offset());
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
            throw new InvalidEventException(
                    Code.REFUSED_PATH,
                    "refused " + refusals.size() + " of " + named
                            + " secret paths: "
                            + String.join("; ", refusals.subList(0, Math.min(REFUSALS_SHOWN, refusals.size())))
                            + (refusals.size() > REFUSALS_SHOWN
                                    ? "; and " + (refusals.size() - REFUSALS_SHOWN)
                                            + " more (each audited as PATH_REFUSED)"
                                    : ""),
                    refusedEvent);
        }
    }

    private void park(final DeadLetters.Source source) {
        final RegistryWait wait = registryWait.orElseThrow();
        if (waiting.size() >= wait.maxRecords()) {
            Statistic.INVALID_EVENTS.increment(statistics, 1);
            throw new InvalidEventException(
                    Code.REGISTRY_UNAVAILABLE,
                    "the schema registry is unavailable and " + wait.maxRecords()
                            + " Avro records already wait for it; this one was not kept");
        }
        waiting.park(source, context.currentSystemTimeMs());
        wait.telemetry().recordsAwaitingRegistry(task, waiting.size());
    }

    /**
     * Wall-clock punctuation: tries the oldest waiting record; if the registry answers, decides every waiting record in
     * order; if not, dead-letters those that waited longer than {@link RegistryWait#maxWait()}. A record that turns out
     * invalid is dead-lettered here with its original bytes (there is no handler around a punctuation).
     */
    private void retryWaiting(final long now) {
        if (waiting.isEmpty()) {
            return;
        }
        final RegistryWait wait = registryWait.orElseThrow();
        final Input input = inputs.values().stream()
                .filter(i -> i.registryWait().isPresent())
                .findFirst()
                .orElseThrow();
        boolean registryDown = false;
        for (final KeyValue<Bytes, AwaitingRegistry.Parked> kv : waiting.inOrder()) {
            final AwaitingRegistry.Parked parked = kv.value;
            if (registryDown) {
                if (now - parked.parkedAt() < wait.maxWait().toMillis()) {
                    break; // younger ones wait for the next try
                }
                deadLetter(
                        parked.source(),
                        Code.REGISTRY_UNAVAILABLE.name(),
                        "the schema registry was unavailable for " + Durations.format(wait.maxWait())
                                + " while this Avro record waited for it",
                        "",
                        now);
                Statistic.INVALID_EVENTS.increment(statistics, 1);
                waiting.remove(kv.key);
                continue;
            }
            try {
                decide(input, parked.source());
                waiting.remove(kv.key);
            } catch (final RegistryException e) {
                registryDown = true;
                if (now - parked.parkedAt() >= wait.maxWait().toMillis()) {
                    deadLetter(
                            parked.source(),
                            Code.REGISTRY_UNAVAILABLE.name(),
                            "the schema registry was unavailable " + "for " + Durations.format(wait.maxWait())
                                    + " while this Avro record waited for it",
                            "",
                            now);
                    Statistic.INVALID_EVENTS.increment(statistics, 1);
                    waiting.remove(kv.key);
                }
            } catch (final InvalidEventException e) {
                deadLetter(
                        parked.source(),
                        e.code().name(),
                        e.getMessage(),
                        e.eventId().orElse(null),
                        now);
                waiting.remove(kv.key);
            } catch (final RuntimeException e) {
                LOG.error(
                        "Unexpected error deciding a record that waited for the registry ({}-{}@{}): {}",
                        parked.source().topic(),
                        parked.source().partition(),
                        parked.source().offset(),
                        DeadLetters.framesOf(e));
                deadLetter(
                        parked.source(),
                        "INTERNAL_ERROR",
                        "rotor failed to process this record (" + e.getClass().getSimpleName() + ")",
                        null,
                        now);
                waiting.remove(kv.key);
            }
        }
        wait.telemetry().recordsAwaitingRegistry(task, waiting.size());
    }

    private void deadLetter(
            final DeadLetters.Source source,
            final String code,
            final String reason,
            final String eventId,
            final long now) {
        final RegistryWait wait = registryWait.orElseThrow();
        wait.telemetry().invalidEvent(code);
        LOG.warn(
                "Refused record {}-{}@{}: {} {}",
                source.topic(),
                source.partition(),
                source.offset(),
                code,
                DeadLetters.cap(reason, 300));
        final ProducerRecord<byte[], byte[]> dlq = DeadLetters.of(
                wait.deadLetterTopic(),
                source,
                code,
                reason,
                InvalidEventException.class.getName(),
                "",
                wait.maxRecordBytes());
        context.forward(new Record<>(dlq.key(), dlq.value(), now, dlq.headers()), DetectionTopology.WRITE_DEAD_LETTERS);
        if (!Code.REFUSED_PATH.name().equals(code)) {
            final String at = source.topic() + "-" + source.partition() + "@" + source.offset();
            audit(
                    eventId != null && !eventId.isEmpty() ? eventId : at,
                    DeadLetters.invalidAudit(at, eventId, code, reason, now),
                    now);
        }
    }

    private DeadLetters.Source source(final Record<byte[], byte[]> record) {
        final Optional<RecordMetadata> m = context.recordMetadata();
        return new DeadLetters.Source(
                m.map(RecordMetadata::topic).orElse(null),
                m.map(RecordMetadata::partition).orElse(-1),
                m.map(RecordMetadata::offset).orElse(-1L),
                record.timestamp(),
                record.key(),
                record.value(),
                record.headers());
    }

    private static boolean isAvro(final byte[] value) {
        return value != null && value.length > 0 && value[0] == 0;
    }

    /**
     * The checks every event passes before any of its record is forwarded; returns its trigger-matrix decision. The
     * event time must lie within [now - max-event-age, now + max-clock-skew] of rotor's wall clock: an event too old (a
     * replayed archive, a time misread by orders of magnitude) is refused rather than trusted, as the executor would
     * otherwise weigh it against a secret's later changes.
     */
    private TriggerMatrix.Decision validate(final SecurityEvent event) {
        final long now = context.currentSystemTimeMs();
        final long eventTime = event.getTimestamp().toEpochMilli();
        if (eventTime > now + maxClockSkewMs) {
            throw new InvalidEventException(
                    Code.FUTURE_TIMESTAMP,
                    "timestamp is more than " + Duration.ofMillis(maxClockSkewMs) + " ahead of rotor's clock",
                    event.getEventId());
        }
        if (eventTime < now - Math.min(now, maxEventAge.toMillis())) {
            throw new InvalidEventException(
                    Code.STALE_TIMESTAMP,
                    "timestamp is more than " + Durations.format(maxEventAge)
                            + " before rotor's clock (rotor.max-event-age)",
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
    private void settle(final Input input, final Adaptation adaptation, final String position) {
        final long now = context.currentSystemTimeMs();
        for (final Adaptation.Unmapped u : adaptation.unmapped()) {
            Statistic.UNMAPPED_EVENTS.increment(statistics, 1);
            final SecurityEvent e = u.event();
            final TriggerMatrix.Decision decision =
                    TriggerMatrix.decide(TriggerMatrix.indicator(e.getEventType()), e.getThreatLevel());
            audit(e.getEventId(), unmapped(e, u.principal(), decision.rule(), now), now);
        }
        if (adaptation.notRelevant().isEmpty()) {
            return;
        }
        Statistic.NOT_RELEVANT_EVENTS.increment(
                statistics, adaptation.notRelevant().size());
        if (!input.auditNotRelevant()) {
            return;
        }
        int i = 0;
        for (final Adaptation.NotRelevant n : adaptation.notRelevant()) {
            final String at = adaptation.notRelevant().size() == 1 ? position : position + "#" + i;
            i++;
            audit(n.eventId() != null ? n.eventId() : at, notRelevant(n, at, now), now);
        }
    }

    /** Forwards the event's allowed secrets and audits what is settled here; returns the refusals. */
    private List<String> route(
            final SecurityEvent event, final TriggerMatrix.Decision decision, final List<String> named) {
        final long now = context.currentSystemTimeMs();
        final List<String> refusals = new ArrayList<>();
        if (named.isEmpty()) {
            audit(
                    event.getEventId(),
                    AuditRecords.decided(
                                    AuditDecision.NO_AFFECTED_SECRETS,
                                    "the event names no secret (affected_resources, metadata.secret_path, "
                                            + "metadata.secret_paths)",
                                    now)
                            .about(event)
                            .rule(decision.rule())
                            .identifiedBy(event.getEventId(), null, AuditDecision.NO_AFFECTED_SECRETS.name()),
                    now);
            return refusals;
        }
        final Set<String> allowed = new LinkedHashSet<>();
        for (final String raw : named) {
            final SecretPathPolicy.Verdict v = policy.check(raw);
            if (v.allowed()) {
                allowed.add(v.path());
            } else {
                final String shown = Redaction.text(SecretPathPolicy.printable(v.path())); // a refused path is text
                refusals.add("'" + shown + "' " + v.refusal().get());
                audit(
                        event.getEventId(),
                        AuditRecords.decided(
                                        AuditDecision.PATH_REFUSED,
                                        "secret path refused: " + v.refusal().get(),
                                        now)
                                .about(event)
                                .rule(decision.rule())
                                .details(Map.of("refused_path", shown))
                                .identifiedBy(event.getEventId(), null, AuditDecision.PATH_REFUSED.name()),
                        now);
            }
        }
        final Map<String, String> sliceMetadata = withoutPathLists(event.getMetadata());
        sliceMetadata.put(SECRETS_IN_EVENT, Integer.toString(allowed.size()));
        for (final String path : allowed) {
            if (decision.action() == TriggerMatrix.Action.IGNORE) {
                audit(
                        path,
                        AuditRecords.decided(
                                        AuditDecision.NOT_AN_INDICATOR,
                                        event.getThreatLevel() + " " + event.getEventType()
                                                + " is not a compromise indicator",
                                        now)
                                .about(event)
                                .secret(path)
                                .rule(decision.rule())
                                .identifiedBy(event.getEventId(), path, AuditDecision.NOT_AN_INDICATOR.name()),
                        now);
            } else {
                context.forward(
                        new Record<>(
                                path,
                                slice(event, path, sliceMetadata),
                                event.getTimestamp().toEpochMilli()),
                        DetectionTopology.TO_RULES);
            }
        }
        return refusals;
    }

    private void audit(final String key, final AuditRecord audit, final long now) {
        telemetry.decision(audit.getDecision().name(), audit.getEventType() == null ? "" : audit.getEventType());
        context.forward(new Record<>(key, audit, now), DetectionTopology.WRITE_DECODED_AUDIT);
    }

    /**
     * The event as it concerns one secret. The path lists, which may name thousands of secrets, are not copied into
     * every secret's record; the slices share the other (immutable from here on) values.
     */
    static SecurityEvent slice(final SecurityEvent event, final String path, final Map<String, String> metadata) {
        return new SecurityEvent(
                event.getEventId(),
                event.getEventType(),
                event.getThreatLevel(),
                event.getDescription(),
                List.of(path),
                event.getSourceIp(),
                event.getTimestamp(),
                metadata);
    }

    /**
     * The metadata commands and audit records carry: no path lists. Already redacted: every event, native or adapted,
     * was normalised ({@link SecurityEventDecoder#normalise}), which redacts its text once for all outputs.
     */
    private static Map<String, String> withoutPathLists(final Map<String, String> metadata) {
        final Map<String, String> m = new LinkedHashMap<>(metadata);
        m.remove(AffectedSecrets.SECRET_PATH);
        m.remove(AffectedSecrets.SECRET_PATHS);
        m.remove(SECRETS_IN_EVENT); // rotor's own; a sender must not be able to set it
        return m;
    }

    /** An adapted event whose principal maps to no secret (keyed and identified by event id and principal). */
    private static AuditRecord unmapped(
            final SecurityEvent event, final String principal, final String rule, final long recordedAt) {
        final String shown = Redaction.text(principal);
        return AuditRecords.decided(
                        AuditDecision.UNMAPPED,
                        "unmapped: principal " + shown
                                + " maps to no secret (principals: in the rotation targets); nothing rotated",
                        recordedAt)
                .about(event)
                .rule(rule)
                .details(
                        Map.of("principal", shown, "source", event.getMetadata().getOrDefault("source", "")))
                .identifiedBy(event.getEventId(), principal, AuditDecision.UNMAPPED.name());
    }

    /**
     * An adapted record (or one record of a batch) that is no security event; {@code at} is its topic-partition@offset.
     * What the adapter says of the foreign record is redacted here.
     */
    private static AuditRecord notRelevant(final Adaptation.NotRelevant n, final String at, final long recordedAt) {
        return AuditRecords.decided(
                        AuditDecision.NOT_RELEVANT, Redaction.text("not relevant: " + n.reason()), recordedAt)
                .eventId(Redaction.holdsCredential(n.eventId()) ? null : n.eventId())
                .eventTime(n.eventTime())
                .details(Map.of("record", at))
                .identifiedBy(n.eventId(), at, AuditDecision.NOT_RELEVANT.name());
    }
}
