package dev.rotor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
    private static final int LIMIT = 1_048_576;

    private static int size(final ProducerRecord<byte[], byte[]> r) {
        int n = (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
        for (final Header h : r.headers()) {
            n += h.key().length() + (h.value() == null ? 0 : h.value().length);
        }
        return n;
    }

    private static String header(final ProducerRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void aSmallRecordKeepsItsBytesAndHeadersAndGetsTheReason() {
        final RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "abc".getBytes(StandardCharsets.UTF_8));
        final ProducerRecord<byte[], byte[]> r = DeadLetters.of(
                "dlq",
                new DeadLetters.Source(
                        "in",
                        2,
                        7,
                        5L,
                        "k".getBytes(StandardCharsets.UTF_8),
                        "{bad".getBytes(StandardCharsets.UTF_8),
                        original),
                "INVALID_JSON",
                "not valid JSON",
                "X",
                "",
                LIMIT);

        assertThat(r.value()).isEqualTo("{bad".getBytes(StandardCharsets.UTF_8));
        assertThat(header(r, "trace-id")).isEqualTo("abc");
        assertThat(header(r, DeadLetters.CODE_HEADER)).isEqualTo("INVALID_JSON");
        assertThat(header(r, DeadLetters.REASON_HEADER)).isEqualTo("not valid JSON");
        assertThat(header(r, "__streams.errors.offset")).isEqualTo("7");
        assertThat(header(r, DeadLetters.VALUE_TRUNCATED_HEADER)).isNull();
    }

    @Test
    void aNearLimitRecordWithHugeHeadersAndAHugeReasonStaysUnderTheProducerLimit() {
        final RecordHeaders original = new RecordHeaders();
        final byte[] half = new byte[600_000];
        original.add("a", half);
        original.add("b", half);
        final byte[] value = new byte[1_046_000];
        Arrays.fill(value, (byte) 'x');
        final ProducerRecord<byte[], byte[]> r = DeadLetters.of(
                "dlq",
                new DeadLetters.Source("in", 0, 1, 5L, new byte[100], value, original),
                "OVERSIZE",
                "r".repeat(600_000),
                "X",
                "s".repeat(600_000),
                LIMIT);

        assertThat(size(r)).isLessThan(LIMIT - DeadLetters.RECORD_OVERHEAD_BYTES);
        assertThat(header(r, DeadLetters.HEADERS_DROPPED_HEADER)).isEqualTo("2");
        assertThat(header(r, DeadLetters.VALUE_TRUNCATED_HEADER)).isEqualTo("1046000");
        assertThat(header(r, DeadLetters.REASON_HEADER)).hasSize(DeadLetters.MAX_REASON_CHARS);
        assertThat(value).startsWith(r.value());
    }
}
