package dev.rotor.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampParsingTest {
    @ParameterizedTest
    @CsvSource({"2026-11-25T10:30:00Z,2026-11-25T10:30:00Z", "2026-11-25T10:30:00.5Z,2026-11-25T10:30:00.500Z",
            "2026-11-25T10:30:00.123456789Z,2026-11-25T10:30:00.123456789Z",
            "2026-11-25T12:30:00+02:00,2026-11-25T10:30:00Z", "2026-11-25T10:30:00,2026-11-25T10:30:00Z",
            "2024-02-29T23:59:59.999Z,2024-02-29T23:59:59.999Z"})
    void isoTimestampsWithAndWithoutTheFastPathAgree(final String text, final String expected) {
        assertThat(JsonEventParser.parseTimestamp(text)).isEqualTo(Instant.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-02-30T10:30:00Z", "2026-13-01T10:30:00Z", "2026-11-25T24:00:00Z", "2026-11-25 10:30:00Z",
            "yesterday"})
    void impossibleTimestampsAreRefused(final String text) {
        assertThatThrownBy(() -> JsonEventParser.parseTimestamp(text)).isInstanceOf(InvalidEventException.class);
    }
}
