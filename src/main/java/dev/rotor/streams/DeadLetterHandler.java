package dev.rotor.streams;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.serde.Hashing;
import dev.rotor.serde.InvalidEventException;
import dev.rotor.serde.RegistryException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rotor's {@code processing.exception.handler}: bad input never stops the service and is never lost.
 *
 * <ol>
 *   <li>{@link InvalidEventException} (a record rotor refuses): resume; the original key and value go to the DLQ
 *       ({@code errors.dead.letter.queue.topic.name}, or the exception's {@link InvalidEventException#deadLetterTopic()}
 *       when it names one: an adapter source's own DLQ) with Kafka Streams' error headers plus {@value #CODE_HEADER} and
 *       {@value #REASON_HEADER}; an INVALID audit record is written too (except for refused paths, which the
 *       processor audits one by one).</li>
 *   <li>{@link RegistryException} (unreachable, 5xx, or refusing rotor's credentials): the record may well be fine;
 *       fail, so the thread is replaced and the record retried instead of being dead-lettered.</li>
 *   <li>Anything else is a rotor bug: resume with a DLQ record, logged at ERROR. The exception is replaced by one that
 *       keeps only its class and stack frames, because a library's message may quote the record's content.</li>
 * </ol>
 * With exactly-once, DLQ and audit records are part of the task's transaction.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler {
    /** Config key under which the topology passes its {@link Context} (an object, not a string). */
    public static final String CONTEXT_CONFIG = "rotor.dead-letter.context";
    public static final String CODE_HEADER = "rotor.error.code";
    public static final String REASON_HEADER = "rotor.error.reason";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    /** Where audit records of refused input go, and how they are serialised. */
    public record Context(String auditTopic, Serializer<AuditRecord> auditSerializer, Telemetry telemetry) {
    }

    private String dlqTopic;
    private Context context;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object dlq = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        this.dlqTopic = dlq == null ? null : dlq.toString();
        this.context = (Context) configs.get(CONTEXT_CONFIG);
    }

    @Override
    public Response handleError(final ErrorHandlerContext ctx, final Record<?, ?> record, final Exception exception) {
        if (exception instanceof RegistryException) {
            LOG.error("Schema registry unusable while processing {}-{}@{}; failing so the record is retried: {}",
                    ctx.topic(), ctx.partition(), ctx.offset(), exception.getMessage());
            return Response.fail();
        }
        final List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (exception instanceof InvalidEventException invalid) {
            if (context != null) {
                context.telemetry().invalidEvent(invalid.code().name());
            }
            LOG.warn("Refused record {}-{}@{}: {} {}", ctx.topic(), ctx.partition(), ctx.offset(), invalid.code(),
                    invalid.getMessage());
            addDeadLetter(out, invalid.deadLetterTopic().orElse(dlqTopic), ctx, invalid, invalid.code().name(),
                    invalid.getMessage());
            if (invalid.code() != InvalidEventException.Code.REFUSED_PATH && context != null) {
                out.add(audit(ctx, invalid));
            }
        } else {
            final Exception safe = sanitised(exception);
            LOG.error("Unexpected error in processor {} for record {}-{}@{}; record sent to the DLQ", ctx.processorNodeId(),
                    ctx.topic(), ctx.partition(), ctx.offset(), safe);
            addDeadLetter(out, dlqTopic, ctx, safe, "INTERNAL_ERROR", "rotor failed to process this record ("
                    + exception.getClass().getSimpleName() + " in " + ctx.processorNodeId() + ")");
        }
        return Response.resume(out);
    }

    private static void addDeadLetter(final List<ProducerRecord<byte[], byte[]>> out, final String topic,
                                      final ErrorHandlerContext ctx, final Exception exception, final String code,
                                      final String reason) {
        if (topic == null || topic.isBlank()) {
            return;
        }
        final ProducerRecord<byte[], byte[]> dlq = ExceptionHandlerUtils.buildDeadLetterQueueRecord(topic,
                ctx.sourceRawKey(), ctx.sourceRawValue(), ctx, exception);
        dlq.headers().add(CODE_HEADER, code.getBytes(StandardCharsets.UTF_8));
        dlq.headers().add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        out.add(dlq);
    }

    private ProducerRecord<byte[], byte[]> audit(final ErrorHandlerContext ctx, final InvalidEventException invalid) {
        final String source = ctx.topic() + "-" + ctx.partition() + "@" + ctx.offset();
        final String eventId = invalid.eventId().orElse(null);
        final AuditRecord audit = AuditRecord.newBuilder()
                .setAuditId(Hashing.id("audit", source, AuditDecision.INVALID.name()))
                .setDecision(AuditDecision.INVALID)
                .setReason("invalid event (" + invalid.code() + "): " + invalid.getMessage())
                .setEventId(eventId)
                .setRecordedAt(Instant.now())
                .setDetails(Map.of("source", source, "error_code", invalid.code().name()))
                .build();
        final String key = eventId != null ? eventId : source;
        return new ProducerRecord<>(context.auditTopic(), null, key.getBytes(StandardCharsets.UTF_8),
                context.auditSerializer().serialize(context.auditTopic(), audit));
    }

    /** The exception's class and stack frames without its message or causes. */
    static Exception sanitised(final Exception e) {
        final Exception safe = new Exception(e.getClass().getName() + " (message withheld: it may quote input)");
        safe.setStackTrace(e.getStackTrace());
        return safe;
    }
}
