package dev.rotor.streams;

import dev.rotor.serde.OutputTooLargeException;
import dev.rotor.serde.RegistryException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rotor's {@code production.exception.handler}: an output rotor cannot write must not stop a partition.
 *
 * <ol>
 *   <li>An output that cannot be serialised — above all one larger than the producer accepts
 *       ({@link OutputTooLargeException}, raised by {@link BoundedSerde} before anything is sent) — is the input's
 *       fault: the output is dropped, the input record goes to the client's DLQ (code {@code OUTPUT_TOO_LARGE} or
 *       {@code OUTPUT_NOT_SERIALIZABLE}), a CRITICAL line names the topic and size, and processing goes on. Checking
 *       before the send matters: under exactly-once a record the producer refuses aborts the whole transaction, and the
 *       same input would fail the same way for ever. rotor caps every input-derived field, so this is a safety net.
 *   <li>A schema registry that cannot register or look up an output schema is the environment's fault: fail, so the
 *       thread is replaced and the write retried; {@link StuckRecords} raises an alarm if it goes on.
 *   <li>Errors of the send itself keep Kafka Streams' default (fail; the thread is replaced) and are reported to
 *       {@link StuckRecords}: under exactly-once the transaction cannot be saved by dropping one record.
 * </ol>
 */
public final class OutputLimitHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(OutputLimitHandler.class);

    private String dlqTopic;
    private DeadLetterHandler.Context context;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object dlq = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        this.dlqTopic = dlq == null ? null : dlq.toString();
        this.context = (DeadLetterHandler.Context) configs.get(DeadLetterHandler.CONTEXT_CONFIG);
    }

    @Override
    @SuppressWarnings("rawtypes") // Kafka's interface declares the parameter as a raw ProducerRecord
    public Response handleSerializationError(
            final ErrorHandlerContext ctx,
            final ProducerRecord record,
            final Exception exception,
            final SerializationExceptionOrigin origin) {
        final String topic = record == null ? "?" : String.valueOf(record.topic());
        if (exception instanceof RegistryException) {
            LOG.error(
                    "Schema registry unusable while writing to {} for {}-{}@{}; failing so the write is retried: {}",
                    topic,
                    ctx.topic(),
                    ctx.partition(),
                    ctx.offset(),
                    DeadLetters.cap(exception.getMessage(), 300));
            stuck(ctx);
            return Response.fail();
        }
        final boolean tooLarge = exception instanceof OutputTooLargeException;
        final String code = tooLarge ? "OUTPUT_TOO_LARGE" : "OUTPUT_NOT_SERIALIZABLE";
        final String reason = tooLarge
                ? exception.getMessage()
                : "the " + origin.name().toLowerCase(Locale.ROOT) + " for " + topic + " could not be serialised ("
                        + exception.getClass().getSimpleName() + ")";
        LOG.error(
                "CRITICAL output to {} dropped for input {}-{}@{} ({}): {}",
                topic,
                ctx.topic(),
                ctx.partition(),
                ctx.offset(),
                code,
                reason);
        if (context != null) {
            context.telemetry().outputRefused(topic);
        }
        if (dlqTopic == null || (ctx.sourceRawValue() == null && ctx.sourceRawKey() == null)) {
            return Response.resume();
        }
        return Response.resume(List.of(DeadLetters.of(
                dlqTopic,
                DeadLetters.Source.of(ctx),
                code,
                reason,
                exception,
                DeadLetterHandler.Context.maxRecordBytesOf(context))));
    }

    @Override
    public Response handleError(
            final ErrorHandlerContext ctx, final ProducerRecord<byte[], byte[]> record, final Exception exception) {
        LOG.error(
                "Kafka refused a write to {} for input {}-{}@{} ({}); failing the task so it is retried",
                record == null ? "?" : record.topic(),
                ctx.topic(),
                ctx.partition(),
                ctx.offset(),
                exception.getClass().getSimpleName());
        stuck(ctx);
        return Response.fail();
    }

    private void stuck(final ErrorHandlerContext ctx) {
        if (context != null) {
            context.stuckRecords().failing(ctx.taskId(), ctx.topic(), ctx.partition(), ctx.offset());
        }
    }
}
