package dev.rotor.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.JsonEventParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The timestamp shapes rotor accepts (docs/decisions.md, "Input timestamps and bounds"), and those it refuses. */
class TimestampParsingTest {
    /** 2025-12-05T20:20:00Z: the time of a real SIEM's epoch-seconds event. */
    private static final Instant ISSUE_TIME = Instant.ofEpochSecond(1_764_966_000L);

    private static JsonNode json(final String text) {
        try {
            return JsonMapper.builder().build().readTree(text);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant timestampOf(final String jsonValue) {
        final String event = "{\"event_type\": \"leaked_credential\", \"threat_level\": \"critical\", \"timestamp\": "
                + jsonValue + "}";
        final SecurityEvent e = JsonEventParser.parse(event.getBytes(StandardCharsets.UTF_8));
        return e.getTimestamp();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "2026-11-25T10:30:00Z | 2026-11-25T10:30:00Z",
                "2026-11-25T10:30:00.5Z | 2026-11-25T10:30:00.500Z",
                "2026-11-25T10:30:00.123Z | 2026-11-25T10:30:00.123Z",
                "2026-12-06T10:00:00.123456Z | 2026-12-06T10:00:00.123456Z",
                "2026-11-25T10:30:00.123456789Z | 2026-11-25T10:30:00.123456789Z",
                "2026-12-06T10:00:00+02:00 | 2026-12-06T08:00:00Z",
                "2026-12-06T10:00:00-05:30 | 2026-12-06T15:30:00Z",
                "2026-12-06T10:00:00-0530 | 2026-12-06T15:30:00Z",
                "2026-12-06T10:00:00+02 | 2026-12-06T08:00:00Z",
                "2026-12-06T10:00:00+00:00 | 2026-12-06T10:00:00Z",
                "2026-12-06T10:00:00.250+01:00 | 2026-12-06T09:00:00.250Z",
                "2026-11-25T10:30:00 | 2026-11-25T10:30:00Z",
                "2026-11-25T10:30:00.123456 | 2026-11-25T10:30:00.123456Z",
                "2026-12-06T10:00Z | 2026-12-06T10:00:00Z",
                "2026-12-06 10:00:00Z | 2026-12-06T10:00:00Z",
                "2026-12-06 10:00:00+00:00 | 2026-12-06T10:00:00Z",
                "2026-12-06 10:00:00.123456 | 2026-12-06T10:00:00.123456Z",
                "2026-12-06t10:00:00z | 2026-12-06T10:00:00Z",
                "' 2026-12-06T10:00:00Z ' | 2026-12-06T10:00:00Z",
                "2024-02-29T23:59:59.999Z | 2024-02-29T23:59:59.999Z"
            })
    void isoShapesThatSiemsSendAreRead(final String text, final String expected) {
        assertThat(Timestamps.iso(text, "timestamp")).isEqualTo(Instant.parse(expected));
        // an event keeps its time to the millisecond (SecurityEvent.timestamp is timestamp-millis)
        assertThat(timestampOf("\"" + text + "\""))
                .isEqualTo(Instant.parse(expected).truncatedTo(ChronoUnit.MILLIS));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-02-30T10:30:00Z",
                "2026-13-01T10:30:00Z",
                "2026-11-25T24:00:00Z",
                "2026-12-06",
                "2026-12-06T10:00:00UTC",
                "2026-12-06 10:00 UTC",
                "2026-12-06T10:00:00 +02:00",
                "2026-12-06T10:00:00[Europe/Paris]",
                "2026-12-06T10:00:00,123Z",
                "2026-12-06T10:00:00.1234567891Z",
                "2026-12-06T10:00:00+19:00",
                "2026-12-06  10:00:00Z",
                "+12026-12-06T10:00:00Z",
                "0000-12-06T10:00:00Z",
                "yesterday",
                "",
                "Sun, 06 Dec 2026 10:00:00 GMT",
                "1764966000e0",
                "-1764966000",
                "0x1764966000"
            })
    void otherShapesAreRefusedNamingTheField(final String text) {
        assertThatThrownBy(() -> timestampOf("\"" + text + "\""))
                .isInstanceOfSatisfying(InvalidEventException.class, e -> {
                    assertThat(e.code()).isEqualTo(InvalidEventException.Code.INVALID_TIMESTAMP);
                    assertThat(e.getMessage()).startsWith("timestamp ");
                    if (!text.isEmpty()) {
                        assertThat(e.getMessage()).doesNotContain(text);
                    }
                });
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "1764966000 | 2025-12-05T20:20:00Z",
                "1764966000000 | 2025-12-05T20:20:00Z",
                "1764966000.5 | 2025-12-05T20:20:00.500Z",
                "1764966000123 | 2025-12-05T20:20:00.123Z",
                "1764966000123.9 | 2025-12-05T20:20:00.123Z",
                "1.764966E9 | 2025-12-05T20:20:00Z",
                "'\"1764966000\"' | 2025-12-05T20:20:00Z",
                "'\"1764966000000\"' | 2025-12-05T20:20:00Z",
                "'\"1764966000.25\"' | 2025-12-05T20:20:00.250Z",
                "'\" 1764966000 \"' | 2025-12-05T20:20:00Z"
            })
    void epochSecondsAndMillisecondsAsNumbersOrStringsAreTheSameTime(final String jsonValue, final String expected) {
        assertThat(timestampOf(jsonValue)).isEqualTo(Instant.parse(expected));
    }

    @Test
    void epochSecondsAreNotReadAsMillisecondsOf1970() {
        assertThat(timestampOf("1764966000")).isEqualTo(ISSUE_TIME);
    }

    @Test
    void theEpochRuleSwitchesAtOneHundredBillion() {
        // just below: seconds (the year 5138); at the limit: milliseconds (March 1973)
        assertThat(Timestamps.epoch(json("99999999999"), "t")).isEqualTo(Instant.ofEpochSecond(99_999_999_999L));
        assertThat(Timestamps.epoch(json("100000000000"), "t")).isEqualTo(Instant.ofEpochMilli(100_000_000_000L));
        assertThat(Timestamps.epoch(json("0"), "t")).isEqualTo(Instant.EPOCH);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "-1",
                "-1764966000",
                "1e30",
                "1e999",
                "-1e999",
                "123456789012345678901234567890",
                "9223372036854775807",
                "\"99999999999999999999\"",
                "true",
                "[1764966000]",
                "{}"
            })
    void negativeHugeAndNonNumericTimesAreRefusedAsInvalidTimestamps(final String jsonValue) {
        assertThatThrownBy(() -> timestampOf(jsonValue))
                .isInstanceOfSatisfying(
                        InvalidEventException.class,
                        e -> assertThat(e.code()).isEqualTo(InvalidEventException.Code.INVALID_TIMESTAMP));
    }

    @Test
    void aMissingOrNullTimestampIsAMissingField() {
        assertThatThrownBy(() -> timestampOf("null"))
                .isInstanceOfSatisfying(
                        InvalidEventException.class,
                        e -> assertThat(e.code()).isEqualTo(InvalidEventException.Code.MISSING_FIELD));
    }

    @Test
    void theFastPathAndTheGeneralParserAgree() {
        for (final String text : new String[] {
            "2026-11-25T10:30:00Z",
            "2026-11-25T10:30:00.5Z",
            "2026-11-25T10:30:00.123456789Z",
            "2024-02-29T23:59:59.999Z",
            "0001-01-01T00:00:00Z"
        }) {
            final Instant general = Timestamps.iso(text.replace("Z", "+00:00"), "t");
            assertThat(Timestamps.utcFastPath(text)).as(text).isEqualTo(general);
        }
        assertThat(Timestamps.utcFastPath("2026-02-30T10:30:00Z")).isNull();
        assertThat(Timestamps.utcFastPath("0000-01-01T00:00:00Z")).isNull();
    }
}
