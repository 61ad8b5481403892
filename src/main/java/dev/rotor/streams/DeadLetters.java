package dev.rotor.streams;

import dev.rotor.audit.AuditRecords;
import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.redaction.Redaction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

/**
 * Builds rotor's dead-letter records: the refused record's original key and value, its original headers, Kafka Streams'
 * {@code __streams.errors.*} headers and rotor's {@value #CODE_HEADER} / {@value #REASON_HEADER}.
 *
 * <ol>
 *   <li>Guarantees: a dead letter never exceeds {@code maxRecordBytes} (key, value and headers, plus Kafka's per-record
 *       overhead). A producer refuses a larger record, which under exactly-once aborts the task's transaction; the same
 *       input would then be read, refused and dead-lettered again for ever. So the reason is capped at
 *       {@value #MAX_REASON_CHARS} characters and the stack trace at {@value #MAX_STACKTRACE_CHARS}; if the record
 *       still does not fit, the original headers are dropped ({@value #HEADERS_DROPPED_HEADER}: how many), and then the
 *       value is cut to what fits ({@value #VALUE_TRUNCATED_HEADER}: the original length).
 *   <li>Redaction: the reason is redacted ({@link Redaction}) before it is capped, in the headers and in the INVALID
 *       audit record; the value keeps the original bytes (DESIGN.md §9: replayable, and the DLQ has the input topic's
 *       access rules).
 *   <li>Limits: a truncated value can no longer be replayed as is; only inputs within a few KiB of the producer's limit
 *       are affected.
 * </ol>
 */
public final class DeadLetters {
    public static final String CODE_HEADER = "rotor.error.code";
    public static final String REASON_HEADER = "rotor.error.reason";
    /** Present when the value was cut to fit; holds the original length in bytes. */
    public static final String VALUE_TRUNCATED_HEADER = "rotor.error.value-truncated";
    /** Present when the original headers were left out to fit; holds how many there were. */
    public static final String HEADERS_DROPPED_HEADER = "rotor.error.headers-dropped";

    static final int MAX_REASON_CHARS = 300;
    static final int MAX_STACKTRACE_CHARS = 4096;
    /** Kafka's per-record overhead (record batch header, varints), generously rounded up. */
    static final int RECORD_OVERHEAD_BYTES = 1024;

    /** Where the refused record came from; the bytes are passed on as they are, never compared. */
    @SuppressWarnings("ArrayRecordComponent")
    public record Source(
            String topic, int partition, long offset, long timestamp, byte[] key, byte[] value, Headers headers) {
        /** The record a Kafka Streams handler was called for, with its original bytes and headers. */
        public static Source of(final ErrorHandlerContext ctx) {
            return new Source(
                    ctx.topic(),
                    ctx.partition(),
                    ctx.offset(),
                    ctx.timestamp(),
                    ctx.sourceRawKey(),
                    ctx.sourceRawValue(),
                    ctx.headers());
        }
    }

    private DeadLetters() {}

    /**
     * The dead letter for {@code source}, on {@code topic}.
     *
     * @param exceptionClass the exception's class name for {@code __streams.errors.exception}
     * @param stackTrace a stack trace without messages (may be empty), for {@code __streams.errors.stacktrace}
     */
    /** As below, for a record refused because of {@code exception}: its class and its frames (never its message). */
    public static ProducerRecord<byte[], byte[]> of(
            final String topic,
            final Source source,
            final String code,
            final String reason,
            final Exception exception,
            final int maxRecordBytes) {
        return of(topic, source, code, reason, exception.getClass().getName(), framesOf(exception), maxRecordBytes);
    }

    public static ProducerRecord<byte[], byte[]> of(
            final String topic,
            final Source source,
            final String code,
            final String reason,
            final String exceptionClass,
            final String stackTrace,
            final int maxRecordBytes) {
        final String shortReason = cap(Redaction.text(reason), MAX_REASON_CHARS);
        final Headers errors = new RecordHeaders();
        errors.add(CODE_HEADER, utf8(code));
        errors.add(REASON_HEADER, utf8(shortReason));
        errors.add(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_NAME, utf8(exceptionClass));
        errors.add(ExceptionHandlerUtils.HEADER_ERRORS_EXCEPTION_MESSAGE_NAME, utf8(shortReason));
        errors.add(ExceptionHandlerUtils.HEADER_ERRORS_STACKTRACE_NAME, utf8(cap(stackTrace, MAX_STACKTRACE_CHARS)));
        errors.add(ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME, utf8(String.valueOf(source.topic())));
        errors.add(ExceptionHandlerUtils.HEADER_ERRORS_PARTITION_NAME, utf8(Integer.toString(source.partition())));
        errors.add(ExceptionHandlerUtils.HEADER_ERRORS_OFFSET_NAME, utf8(Long.toString(source.offset())));

        final byte[] key = source.key();
        final int fixed = RECORD_OVERHEAD_BYTES + length(key) + size(errors) + 128; // room for the markers below
        final Headers original = source.headers() == null ? new RecordHeaders() : source.headers();
        final int originalCount = original.toArray().length;
        final boolean keepHeaders = fixed + size(original) + length(source.value()) <= maxRecordBytes
                || fixed + size(original) <= maxRecordBytes / 2;
        final Headers headers = new RecordHeaders();
        if (keepHeaders) {
            original.forEach(headers::add);
        } else {
            headers.add(HEADERS_DROPPED_HEADER, utf8(Integer.toString(originalCount)));
        }
        errors.forEach(headers::add);
        byte[] value = source.value();
        final int room = maxRecordBytes - fixed - (keepHeaders ? size(original) : 0);
        if (value != null && value.length > room) {
            headers.add(VALUE_TRUNCATED_HEADER, utf8(Integer.toString(value.length)));
            value = Arrays.copyOf(value, Math.max(0, room));
        }
        return new ProducerRecord<>(topic, null, source.timestamp(), key, value, headers);
    }

    /**
     * The INVALID audit record for a record refused at {@code source} (topic-partition@offset); its id depends on the
     * source only, so a replay after a crash writes the same record again.
     */
    public static AuditRecord invalidAudit(
            final String source, final String eventId, final String code, final String reason, final long recordedAt) {
        return AuditRecords.decided(
                        AuditDecision.INVALID,
                        cap("invalid event (" + code + "): " + Redaction.text(reason), MAX_REASON_CHARS + 40),
                        recordedAt)
                .eventId(eventId)
                .details(Map.of("source", source, "error_code", code))
                .identifiedBy(source, AuditDecision.INVALID.name());
    }

    /** At most {@code max} characters, marked with an ellipsis when cut. */
    public static String cap(final String s, final int max) {
        if (s == null) {
            return "";
        }
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "…";
    }

    /** A stack trace of class and method names only (no messages: a library's message may quote the input). */
    public static String framesOf(final Throwable e) {
        final StringBuilder b = new StringBuilder(e.getClass().getName());
        for (final StackTraceElement frame : e.getStackTrace()) {
            if (b.length() > MAX_STACKTRACE_CHARS) {
                break;
            }
            b.append("\n\tat ").append(frame);
        }
        return b.toString();
    }

    private static int size(final Headers headers) {
        int n = 0;
        for (final Header h : headers) {
            n += h.key().length() * 3 + length(h.value()) + 10;
        }
        return n;
    }

    private static int length(final byte[] b) {
        return b == null ? 0 : b.length;
    }

    private static byte[] utf8(final String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
