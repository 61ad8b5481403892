package dev.rotor.streams;

import dev.rotor.avro.AuditRecord;
import dev.rotor.events.InvalidEventException;
import dev.rotor.serde.RegistryException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rotor's {@code processing.exception.handler}: bad input never stops the service and is never lost.
 *
 * <ol>
 *   <li>{@link InvalidEventException} (a record rotor refuses): resume; the original key and value go to the DLQ
 *       ({@code errors.dead.letter.queue.topic.name}, or the exception's
 *       {@link InvalidEventException#deadLetterTopic()} when it names one: an adapter source's own DLQ) with Kafka
 *       Streams' error headers plus {@value #CODE_HEADER} and {@value #REASON_HEADER}; an INVALID audit record is
 *       written too (except for refused paths, which the processor audits one by one). The dead letter is bounded by
 *       the producer's limit ({@link DeadLetters}).
 *   <li>{@link RegistryException} (unreachable, 5xx, or refusing rotor's credentials), anywhere in the cause chain, and
 *       Kafka Streams' own {@link StreamsException} (an output write that its production handler failed): the record
 *       may well be fine; fail, so the thread is replaced and the record retried instead of being dead-lettered.
 *       Detection's decoder parks Avro records itself while the registry is out, so this is a last resort; a record
 *       that fails again and again raises {@link Alarm#RECORD_STUCK} through {@link StuckRecords}.
 *   <li>Anything else is a rotor bug: resume with a DLQ record, logged at ERROR. The exception is replaced by one that
 *       keeps only its class and stack frames, because a library's message may quote the record's content.
 * </ol>
 *
 * With exactly-once, DLQ and audit records are part of the task's transaction.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler {
    /** Config key under which the topology passes its {@link Context} (an object, not a string). */
    public static final String CONTEXT_CONFIG = "rotor.dead-letter.context";

    public static final String CODE_HEADER = DeadLetters.CODE_HEADER;
    public static final String REASON_HEADER = DeadLetters.REASON_HEADER;

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    /**
     * What the handlers of one Kafka Streams client share: where audit records of refused input go and how they are
     * serialised, live telemetry, the largest record the producer accepts, and the stuck-record watch.
     */
    public record Context(
            String auditTopic,
            Serializer<AuditRecord> auditSerializer,
            Telemetry telemetry,
            int maxRecordBytes,
            StuckRecords stuckRecords) {
        /** The producer's record limit of {@code context}, or Kafka's default when the client has no context. */
        static int maxRecordBytesOf(final Context context) {
            return context == null ? StreamsSettings.DEFAULT_MAX_RECORD_BYTES : context.maxRecordBytes();
        }

        /** The INVALID audit record for a refused record at {@code source} (topic-partition@offset). */
        public ProducerRecord<byte[], byte[]> invalidAudit(
                final String source, final String eventId, final String code, final String reason) {
            final AuditRecord audit =
                    DeadLetters.invalidAudit(source, eventId, code, reason, System.currentTimeMillis());
            final String key = eventId != null ? eventId : source;
            return new ProducerRecord<>(
                    auditTopic,
                    null,
                    key.getBytes(StandardCharsets.UTF_8),
                    auditSerializer.serialize(auditTopic, audit));
        }
    }

    /**
     * Config key of an optional {@code Map<String, String>} from source topic to dead-letter topic, for a client that
     * reads several kinds of input (the single client: security events and rotation commands); a source not in it uses
     * {@code errors.dead.letter.queue.topic.name}.
     */
    public static final String BY_SOURCE_CONFIG = "rotor.dead-letter.by-source";

    private String dlqTopic;
    private Map<?, ?> bySource = Map.of();
    private Context context;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object dlq = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        this.dlqTopic = dlq == null ? null : dlq.toString();
        this.bySource = bySource(configs);
        this.context = (Context) configs.get(CONTEXT_CONFIG);
    }

    /** The {@link #BY_SOURCE_CONFIG} map of {@code configs}, empty when none is set. */
    static Map<?, ?> bySource(final Map<String, ?> configs) {
        return configs.get(BY_SOURCE_CONFIG) instanceof Map<?, ?> m ? m : Map.of();
    }

    /** Where a record read from {@code source} goes when it is refused. */
    static String deadLetterTopic(final Map<?, ?> bySource, final String source, final String fallback) {
        final Object topic = source == null ? null : bySource.get(source);
        return topic == null ? fallback : topic.toString();
    }

    @Override
    public Response handleError(final ErrorHandlerContext ctx, final Record<?, ?> record, final Exception exception) {
        if (exception instanceof StreamsException || causedBy(exception, RegistryException.class)) {
            // the environment, not the record: a registry that cannot be used, or Kafka Streams' own failure of a
            // write (a production handler choosing to fail reaches us as a StreamsException from the sink)
            LOG.error(
                    "Failing the task for {}-{}@{} so the record is retried: {}",
                    ctx.topic(),
                    ctx.partition(),
                    ctx.offset(),
                    DeadLetters.cap(String.valueOf(exception.getMessage()), 300));
            if (context != null) {
                context.stuckRecords().failing(ctx.taskId(), ctx.topic(), ctx.partition(), ctx.offset());
            }
            return Response.fail();
        }
        final List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (exception instanceof InvalidEventException invalid) {
            if (context != null) {
                context.telemetry().invalidEvent(invalid.code().name());
            }
            LOG.warn(
                    "Refused record {}-{}@{}: {} {}",
                    ctx.topic(),
                    ctx.partition(),
                    ctx.offset(),
                    invalid.code(),
                    DeadLetters.cap(invalid.getMessage(), 300));
            addDeadLetter(
                    out,
                    invalid.deadLetterTopic().orElse(deadLetterTopic(bySource, ctx.topic(), dlqTopic)),
                    ctx,
                    invalid.code().name(),
                    invalid.getMessage(),
                    invalid);
            if (invalid.code() != InvalidEventException.Code.REFUSED_PATH && context != null) {
                out.add(context.invalidAudit(
                        ctx.topic() + "-" + ctx.partition() + "@" + ctx.offset(),
                        invalid.eventId().orElse(null),
                        invalid.code().name(),
                        invalid.getMessage()));
            }
        } else {
            LOG.error(
                    "Unexpected error in processor {} for record {}-{}@{}; record sent to the DLQ: {}",
                    ctx.processorNodeId(),
                    ctx.topic(),
                    ctx.partition(),
                    ctx.offset(),
                    DeadLetters.framesOf(exception));
            addDeadLetter(
                    out,
                    deadLetterTopic(bySource, ctx.topic(), dlqTopic),
                    ctx,
                    "INTERNAL_ERROR",
                    "rotor failed to process this record ("
                            + exception.getClass().getSimpleName() + " in " + ctx.processorNodeId() + ")",
                    exception);
        }
        return Response.resume(out);
    }

    private static boolean causedBy(final Throwable t, final Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    private void addDeadLetter(
            final List<ProducerRecord<byte[], byte[]>> out,
            final String topic,
            final ErrorHandlerContext ctx,
            final String code,
            final String reason,
            final Exception exception) {
        if (topic == null || topic.isBlank()) {
            return;
        }
        out.add(DeadLetters.of(
                topic, DeadLetters.Source.of(ctx), code, reason, exception, Context.maxRecordBytesOf(context)));
    }
}
