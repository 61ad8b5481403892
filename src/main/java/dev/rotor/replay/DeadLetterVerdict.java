package dev.rotor.replay;

import dev.rotor.streams.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

/**
 * What a replay does with one dead letter: not matched by the filter, skipped for a reason, or republished as a record
 * for its source topic.
 *
 * <ol>
 *   <li>The republished record has the dead letter's key and value (the refused record's original bytes), its timestamp
 *       (the original's: adapters fall back on it for the event time), and its headers minus rotor's
 *       {@code rotor.error.*} and {@code rotor.replay.*} and Kafka Streams' {@code __streams.errors.*}, plus
 *       {@value #REPLAY_SOURCE_HEADER} naming the dead letter (topic-partition@offset), so a replayed record is
 *       recognisable on the source topic and, if refused again, in the DLQ. The partition is the key's, as for any
 *       producer (a secret's records stay in order).
 *   <li>Skipped, with the reason: a value cut to fit the DLQ ({@value DeadLetters#VALUE_TRUNCATED_HEADER}: the original
 *       bytes are lost, and a partial event must never be decided on), no source topic
 *       ({@code __streams.errors.topic}), a source that is the DLQ itself, or a source topic that does not exist.
 * </ol>
 */
sealed interface DeadLetterVerdict {
    /** Marks a replayed record: the dead letter it came from. */
    String REPLAY_SOURCE_HEADER = "rotor.replay.source";
    /** Kafka Streams' error headers ({@code ExceptionHandlerUtils.HEADER_ERRORS_*}). */
    String STREAMS_ERRORS_PREFIX = "__streams.errors.";

    /** The filter did not pick it. */
    record NotMatched() implements DeadLetterVerdict {}

    /** Picked but not replayable. */
    record Skipped(String code, String reason) implements DeadLetterVerdict {}

    /** Picked and replayable: {@code record} goes to its source topic. */
    record Republish(String code, ProducerRecord<byte[], byte[]> record, boolean headersDropped)
            implements DeadLetterVerdict {}

    static DeadLetterVerdict of(
            final ConsumerRecord<byte[], byte[]> letter, final ReplayFilter filter, final Set<String> existingTopics) {
        final Headers headers = letter.headers();
        final String code = text(headers, DeadLetters.CODE_HEADER).orElse("(none)");
        if (!filter.matches(code, letter.timestamp())) {
            return new NotMatched();
        }
        if (headers.lastHeader(DeadLetters.VALUE_TRUNCATED_HEADER) != null) {
            return new Skipped(
                    code, "value truncated (" + DeadLetters.VALUE_TRUNCATED_HEADER + "): the original bytes are lost");
        }
        final Optional<String> source = text(headers, ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME)
                .filter(s -> !s.isBlank() && !s.equals("null"));
        if (source.isEmpty()) {
            return new Skipped(code, "no source topic (" + ExceptionHandlerUtils.HEADER_ERRORS_TOPIC_NAME + ")");
        }
        if (source.get().equals(letter.topic())) {
            return new Skipped(code, "the source topic is the DLQ itself");
        }
        if (!existingTopics.contains(source.get())) {
            return new Skipped(code, "source topic " + source.get() + " does not exist");
        }
        final Headers out = new RecordHeaders();
        for (final Header h : headers) {
            if (!rotorOwn(h.key())) {
                out.add(h);
            }
        }
        out.add(
                REPLAY_SOURCE_HEADER,
                (letter.topic() + "-" + letter.partition() + "@" + letter.offset()).getBytes(StandardCharsets.UTF_8));
        final boolean dropped = headers.lastHeader(DeadLetters.HEADERS_DROPPED_HEADER) != null;
        return new Republish(
                code,
                new ProducerRecord<>(source.get(), null, letter.timestamp(), letter.key(), letter.value(), out),
                dropped);
    }

    /** Headers rotor or Kafka Streams added on the way to the DLQ (or a previous replay), not the sender's. */
    static boolean rotorOwn(final String key) {
        return key.startsWith("rotor.error.")
                || key.startsWith("rotor.replay.")
                || key.startsWith(STREAMS_ERRORS_PREFIX);
    }

    private static Optional<String> text(final Headers headers, final String key) {
        final Header h = headers.lastHeader(key);
        return h == null || h.value() == null
                ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }
}
