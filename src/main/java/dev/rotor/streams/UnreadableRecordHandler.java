package dev.rotor.streams;

import dev.rotor.redaction.Redaction;
import dev.rotor.serde.AvroDecodingException;
import dev.rotor.serde.RegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rotor's {@code deserialization.exception.handler}: a record a client cannot read is never dropped silently.
 *
 * <ol>
 *   <li>Bad bytes (corrupt, truncated, an unknown or non-Avro schema id): the record's fault. Resume; the original
 *       record goes to the client's DLQ with a code ({@code UNREADABLE}, or the Avro decoding kind such as
 *       {@code UNKNOWN_SCHEMA_ID}) and, when the client has a {@link Notifier} (the executor: a command nobody can run
 *       is a rotation that will not happen), the records it adds, such as a critical notification.
 *   <li>A schema registry that cannot be used: the environment's fault. Fail, so the thread is replaced (after a
 *       backoff, see {@link StuckRecords}) and the record is read again once the registry answers; nothing is lost, and
 *       the outage shows as {@link Alarm#RECORD_STUCK} on readiness and metrics.
 * </ol>
 */
public final class UnreadableRecordHandler implements DeserializationExceptionHandler {
    /** Config key of the client's optional {@link Notifier} (an object). */
    public static final String NOTIFIER_CONFIG = "rotor.unreadable.notifier";

    private static final Logger LOG = LoggerFactory.getLogger(UnreadableRecordHandler.class);

    /** Extra records to write, in the same transaction, for an unreadable record. */
    @FunctionalInterface
    public interface Notifier {
        List<ProducerRecord<byte[], byte[]>> unreadable(
                ConsumerRecord<byte[], byte[]> record, String code, String reason);
    }

    private String dlqTopic;
    private Map<?, ?> bySource = Map.of();
    private DeadLetterHandler.Context context;
    private Notifier notifier;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object dlq = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        this.dlqTopic = dlq == null ? null : dlq.toString();
        this.bySource = DeadLetterHandler.bySource(configs);
        this.context = (DeadLetterHandler.Context) configs.get(DeadLetterHandler.CONTEXT_CONFIG);
        this.notifier = (Notifier) configs.get(NOTIFIER_CONFIG);
    }

    @Override
    public Response handleError(
            final ErrorHandlerContext ctx, final ConsumerRecord<byte[], byte[]> record, final Exception exception) {
        if (exception instanceof RegistryException && !(exception instanceof AvroDecodingException)) {
            LOG.error(
                    "Schema registry unusable while reading {}-{}@{}; failing so the record is read again: {}",
                    ctx.topic(),
                    ctx.partition(),
                    ctx.offset(),
                    DeadLetters.cap(exception.getMessage(), 300));
            if (context != null) {
                context.stuckRecords().failing(ctx.taskId(), ctx.topic(), ctx.partition(), ctx.offset());
            }
            return Response.fail();
        }
        final String dlqTopic = DeadLetterHandler.deadLetterTopic(bySource, ctx.topic(), this.dlqTopic);
        final String code =
                exception instanceof AvroDecodingException a ? a.kind().name() : "UNREADABLE";
        final String reason = exception instanceof AvroDecodingException
                ? DeadLetters.cap(Redaction.text(exception.getMessage()), 300)
                : "the record cannot be read as this topic's type ("
                        + exception.getClass().getSimpleName() + ")";
        LOG.error(
                "CRITICAL unreadable record {}-{}@{} sent to {}: {} {}",
                ctx.topic(),
                ctx.partition(),
                ctx.offset(),
                dlqTopic,
                code,
                reason);
        if (context != null) {
            context.telemetry().invalidEvent(code);
        }
        final List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        if (dlqTopic != null) {
            out.add(DeadLetters.of(
                    dlqTopic,
                    new DeadLetters.Source(
                            ctx.topic(),
                            ctx.partition(),
                            ctx.offset(),
                            ctx.timestamp(),
                            record.key(),
                            record.value(),
                            record.headers()),
                    code,
                    reason,
                    exception,
                    DeadLetterHandler.Context.maxRecordBytesOf(context)));
        }
        if (notifier != null) {
            out.addAll(notifier.unreadable(record, code, reason));
        }
        return Response.resume(out);
    }
}
