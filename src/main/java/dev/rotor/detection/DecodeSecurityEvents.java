package dev.rotor.detection;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.Indicator;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.InvalidEventException;
import dev.rotor.serde.Redaction;
import dev.rotor.serde.InvalidEventException.Code;
import dev.rotor.serde.SecurityEventDecoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@code decode-security-events}: the stateless front of detection.
 *
 * <ol>
 *   <li>Reads: raw {@code security-events} records (any key, JSON or Avro value).</li>
 *   <li>Writes: for each allowed secret of an event that the trigger matrix does not ignore, a
 *       {@link DetectionOutput.PerSecretEvent} keyed by the secret path and stamped with the event's time (for the
 *       repartition); audit records for what is settled here (not a compromise indicator, no affected secrets,
 *       path refused).</li>
 *   <li>Guarantees: an invalid record, or a record naming a refused path, raises an {@link InvalidEventException};
 *       the processing exception handler turns it into a DLQ record with the original bytes and processing goes on.
 *       The allowed secrets of an event with some refused paths are still processed. Counts total and invalid events
 *       in {@value DetectionStatistics#EVENT_STATISTICS_STORE}.</li>
 *   <li>Limits: no state besides the counters; windows, cooldown and lateness are the rules' business.</li>
 * </ol>
 */
final class DecodeSecurityEvents implements Processor<byte[], byte[], String, DetectionOutput> {
    private final SecurityEventDecoder decoder;
    private final SecretPathPolicy policy;
    private final long maxClockSkewMs;
    private ProcessorContext<String, DetectionOutput> context;
    private KeyValueStore<String, Long> statistics;

    DecodeSecurityEvents(final SecurityEventDecoder decoder, final SecretPathPolicy policy, final Duration maxClockSkew) {
        this.decoder = decoder;
        this.policy = policy;
        this.maxClockSkewMs = maxClockSkew.toMillis();
    }

    @Override
    public void init(final ProcessorContext<String, DetectionOutput> context) {
        this.context = context;
        this.statistics = context.getStateStore(DetectionStatistics.EVENT_STATISTICS_STORE);
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
        DetectionStatistics.increment(statistics, DetectionStatistics.TOTAL_EVENTS, 1);
        final SecurityEvent event;
        final TriggerMatrix.Decision decision;
        try {
            final String topic = context.recordMetadata().map(m -> m.topic()).orElse(null);
            event = decoder.decode(topic, record.value());
            final long now = context.currentSystemTimeMs();
            if (event.getTimestamp().toEpochMilli() > now + maxClockSkewMs) {
                throw new InvalidEventException(Code.FUTURE_TIMESTAMP, "timestamp is more than "
                        + Duration.ofMillis(maxClockSkewMs) + " ahead of rotor's clock", event.getEventId());
            }
            final Indicator indicator = TriggerMatrix.indicator(event.getEventType());
            decision = TriggerMatrix.decide(indicator, event.getThreatLevel());
            if (decision.action() != TriggerMatrix.Action.ROTATE) {
                try {
                    Weights.of(event, indicator);
                } catch (final InvalidEventException e) {
                    throw e.forEvent(event.getEventId());
                }
            }
        } catch (final InvalidEventException e) {
            DetectionStatistics.increment(statistics, DetectionStatistics.INVALID_EVENTS, 1);
            throw e;
        }
        route(event, decision);
    }

    private void route(final SecurityEvent event, final TriggerMatrix.Decision decision) {
        final long now = context.currentSystemTimeMs();
        final List<String> named = AffectedSecrets.of(event);
        if (named.isEmpty()) {
            audit(event.getEventId(), AuditRecords.of(AuditDecision.NO_AFFECTED_SECRETS,
                    "the event names no secret (affected_resources, metadata.secret_path, metadata.secret_paths)",
                    event, null, decision.rule(), null, now, Map.of()), now);
            return;
        }
        final Set<String> allowed = new LinkedHashSet<>();
        final List<String> refusals = new ArrayList<>();
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
        if (!refusals.isEmpty()) {
            throw new InvalidEventException(Code.REFUSED_PATH, "refused " + refusals.size() + " of " + named.size()
                    + " secret paths: " + String.join("; ", refusals), event.getEventId());
        }
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
