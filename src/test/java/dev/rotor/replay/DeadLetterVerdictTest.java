package dev.rotor.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.streams.DeadLetters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Which dead letters a replay republishes, and as what: dead letters made by rotor's own {@link DeadLetters}. */
class DeadLetterVerdictTest {
    private static final String DLQ = "security-events-dlq";
    private static final Set<String> TOPICS = Set.of(DLQ, "security-events");
    private static final long T = Instant.parse("2026-12-06T10:00:00Z").toEpochMilli();

    private static ConsumerRecord<byte[], byte[]> deadLetter(
            final String code, final String source, final long ts, final byte[] value, final int maxBytes) {
        final RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        final ProducerRecord<byte[], byte[]> p = DeadLetters.of(
                DLQ,
                new DeadLetters.Source(source, 2, 41, ts, "k".getBytes(StandardCharsets.UTF_8), value, original),
                code,
                "a reason",
                "x.Invalid",
                "",
                maxBytes);
        return new ConsumerRecord<>(
                DLQ,
                1,
                7,
                p.timestamp(),
                TimestampType.CREATE_TIME,
                1,
                value.length,
                p.key(),
                p.value(),
                p.headers(),
                Optional.empty());
    }

    private static ConsumerRecord<byte[], byte[]> deadLetter(final String code, final long ts) {
        return deadLetter(
                code, "security-events", ts, "{\"event_id\":\"e1\"}".getBytes(StandardCharsets.UTF_8), 1 << 20);
    }

    @Test
    void republishesTheOriginalKeyValueTimeAndHeadersWithoutRotorsErrorHeaders() {
        final ConsumerRecord<byte[], byte[]> letter = deadLetter("REFUSED_PATH", T);

        final DeadLetterVerdict v = DeadLetterVerdict.of(letter, ReplayFilter.all(), TOPICS);

        assertThat(v).isInstanceOf(DeadLetterVerdict.Republish.class);
        final ProducerRecord<byte[], byte[]> out = ((DeadLetterVerdict.Republish) v).record();
        assertThat(out.topic()).isEqualTo("security-events");
        assertThat(out.partition()).isNull(); // the key decides, as for the original producer
        assertThat(out.timestamp()).isEqualTo(T);
        assertThat(out.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        assertThat(out.value()).isEqualTo(letter.value());
        final List<String> keys =
                Arrays.stream(out.headers().toArray()).map(Header::key).toList();
        assertThat(keys).containsExactly("trace-id", DeadLetterVerdict.REPLAY_SOURCE_HEADER);
        assertThat(new String(
                        out.headers()
                                .lastHeader(DeadLetterVerdict.REPLAY_SOURCE_HEADER)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo("security-events-dlq-1@7");
        assertThat(letter.headers().lastHeader("rotor.error.code")).isNotNull(); // there was something to remove
        assertThat(letter.headers().lastHeader("__streams.errors.topic")).isNotNull();
    }

    @Test
    void aTruncatedValueIsNeverReplayed() {
        final byte[] big = new byte[200_000];
        Arrays.fill(big, (byte) 'x');
        final ConsumerRecord<byte[], byte[]> letter = deadLetter("OVERSIZE", "security-events", T, big, 100_000);
        assertThat(letter.headers().lastHeader(DeadLetters.VALUE_TRUNCATED_HEADER))
                .isNotNull();

        assertThat(DeadLetterVerdict.of(letter, ReplayFilter.all(), TOPICS))
                .isInstanceOfSatisfying(
                        DeadLetterVerdict.Skipped.class,
                        s -> assertThat(s.reason()).startsWith("value truncated (rotor.error.value-truncated)"));
    }

    @Test
    void theFilterPicksByCodeAndRecordTime() {
        final ReplayFilter filter =
                new ReplayFilter(Set.of("refused_path", "REGISTRY_UNAVAILABLE"), Optional.of(Instant.ofEpochMilli(T)));

        assertThat(DeadLetterVerdict.of(deadLetter("REFUSED_PATH", T), filter, TOPICS))
                .isInstanceOf(DeadLetterVerdict.Republish.class);
        assertThat(DeadLetterVerdict.of(deadLetter("REGISTRY_UNAVAILABLE", T + 1), filter, TOPICS))
                .isInstanceOf(DeadLetterVerdict.Republish.class);
        assertThat(DeadLetterVerdict.of(deadLetter("INVALID_JSON", T), filter, TOPICS))
                .isInstanceOf(DeadLetterVerdict.NotMatched.class);
        assertThat(DeadLetterVerdict.of(deadLetter("REFUSED_PATH", T - 1), filter, TOPICS))
                .isInstanceOf(DeadLetterVerdict.NotMatched.class);
    }

    @Test
    void aMissingOrUnusableSourceTopicIsSkippedWithTheReason() {
        final byte[] v = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(DeadLetterVerdict.of(deadLetter("X", "gone-topic", T, v, 1 << 20), ReplayFilter.all(), TOPICS))
                .isInstanceOfSatisfying(
                        DeadLetterVerdict.Skipped.class,
                        s -> assertThat(s.reason()).isEqualTo("source topic gone-topic does not exist"));
        assertThat(DeadLetterVerdict.of(deadLetter("X", DLQ, T, v, 1 << 20), ReplayFilter.all(), TOPICS))
                .isInstanceOfSatisfying(
                        DeadLetterVerdict.Skipped.class,
                        s -> assertThat(s.reason()).isEqualTo("the source topic is the DLQ itself"));
        final ConsumerRecord<byte[], byte[]> noSource = new ConsumerRecord<>(
                DLQ, 0, 0, T, TimestampType.CREATE_TIME, 0, 2, null, v, new RecordHeaders(), Optional.empty());
        assertThat(DeadLetterVerdict.of(noSource, ReplayFilter.all(), TOPICS))
                .isInstanceOfSatisfying(
                        DeadLetterVerdict.Skipped.class,
                        s -> assertThat(s.reason()).isEqualTo("no source topic (__streams.errors.topic)"));
    }

    @Test
    void aRecordRefusedAgainAfterAReplayCarriesOnlyTheNewReplayMark() {
        final ConsumerRecord<byte[], byte[]> first = deadLetter("REFUSED_PATH", T);
        final ProducerRecord<byte[], byte[]> replayed =
                ((DeadLetterVerdict.Republish) DeadLetterVerdict.of(first, ReplayFilter.all(), TOPICS)).record();
        final ProducerRecord<byte[], byte[]> again = DeadLetters.of(
                DLQ,
                new DeadLetters.Source(
                        "security-events", 0, 99, T, replayed.key(), replayed.value(), replayed.headers()),
                "REFUSED_PATH",
                "r",
                "x",
                "",
                1 << 20);
        final ConsumerRecord<byte[], byte[]> second = new ConsumerRecord<>(
                DLQ,
                0,
                12,
                T,
                TimestampType.CREATE_TIME,
                1,
                1,
                again.key(),
                again.value(),
                again.headers(),
                Optional.empty());

        final ProducerRecord<byte[], byte[]> out =
                ((DeadLetterVerdict.Republish) DeadLetterVerdict.of(second, ReplayFilter.all(), TOPICS)).record();

        assertThat(Arrays.stream(out.headers().toArray()).map(Header::key).toList())
                .containsExactly("trace-id", DeadLetterVerdict.REPLAY_SOURCE_HEADER);
        assertThat(new String(
                        out.headers()
                                .lastHeader(DeadLetterVerdict.REPLAY_SOURCE_HEADER)
                                .value(),
                        StandardCharsets.UTF_8))
                .isEqualTo("security-events-dlq-0@12");
    }

    @Test
    void theSummarySaysWhatWasReadMatchedRepublishedAndSkippedAndWhy() {
        final ReplaySummary s =
                new ReplaySummary(DLQ, new ReplayFilter(Set.of("REFUSED_PATH", "OVERSIZE"), Optional.empty()), false);
        final DeadLetterVerdict ok = DeadLetterVerdict.of(deadLetter("REFUSED_PATH", T), ReplayFilter.all(), TOPICS);
        s.count(ok);
        s.republished((DeadLetterVerdict.Republish) ok);
        s.count(new DeadLetterVerdict.Skipped("OVERSIZE", "value truncated (rotor.error.value-truncated): lost"));
        s.count(new DeadLetterVerdict.NotMatched());
        final StringWriter out = new StringWriter();

        s.print(new PrintWriter(out));

        assertThat(out.toString()).isEqualTo("""
                security-events-dlq: read 3, matched 2 (code OVERSIZE, REFUSED_PATH)
                  matched by code: OVERSIZE 1, REFUSED_PATH 1
                  republished 1 (security-events 1)
                  skipped 1
                    1: value truncated (rotor.error.value-truncated): lost
                """);
    }
}
