package dev.rotor.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.events.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The streaming read of the JSON form: it reads only the fields an event has, in any order, and is as strict about the
 * rest of the document as reading the whole tree was.
 */
class JsonEventParserTest {
    private static final String FIELDS = "\"event_id\":\"e-1\",\"event_type\":\"failed_auth_spike\","
            + "\"threat_level\":\"HIGH\",\"affected_resources\":[\"secret/a\",\"secret/b\"],"
            + "\"timestamp\":\"2026-12-06T10:00:00Z\"";

    private static SecurityEvent parse(final String json) {
        return JsonEventParser.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryFieldInAnyOrderAndSkipsOthers() {
        final SecurityEvent e = parse("{\"extra\":{\"deep\":[1,{\"x\":null}]},\"metadata\":{\"failed_count\":7,"
                + "\"secret_paths\":[\"secret/c\"],\"note\":null},\"source_ip\":\"10.0.0.1\",\"description\":null,"
                + FIELDS + ",\"trailing_extra\":true}");
        assertThat(e.getEventId()).isEqualTo("e-1");
        assertThat(e.getEventType()).isEqualTo("failed_auth_spike");
        assertThat(e.getThreatLevel()).isEqualTo(ThreatLevel.high);
        assertThat(e.getAffectedResources()).containsExactly("secret/a", "secret/b");
        assertThat(e.getTimestamp()).isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(e.getSourceIp()).isEqualTo("10.0.0.1");
        assertThat(e.getDescription()).isEmpty();
        assertThat(e.getMetadata()).isEqualTo(Map.of("failed_count", "7", "secret_paths", "secret/c"));
        assertThat(parse("{" + FIELDS + ",\"timestamp_ms\":1}").getTimestamp())
                .isEqualTo(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(parse("{\"timestamp\":1765015200000," + FIELDS.replace(",\"timestamp\":\"2026-12-06T10:00:00Z\"", "")
                                + "}")
                        .getTimestamp())
                .isEqualTo(Instant.ofEpochMilli(1765015200000L));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                // trailing content, after a complete object or as garbage
                "{FIELDS} {}|not valid JSON at line 1",
                "{FIELDS} x|not valid JSON at line 1",
                // a duplicate key, at the top or inside a field rotor does not read
                "{FIELDS,\"event_type\":\"x\"}|not valid JSON at line 1",
                "{FIELDS,\"skipped\":{\"a\":1,\"a\":2}}|not valid JSON at line 1",
                // broken syntax inside a skipped field
                "{FIELDS,\"skipped\":[1,}|not valid JSON at line 1",
                // not an object at the top
                "[1,2]|a security event must be a JSON object",
                "\"text\"|a security event must be a JSON object",
                "[1,|not valid JSON at line 1",
                // a field of the wrong kind is named
                "{FIELDS,\"source_ip\":7}|source_ip must be a string, found a number",
                "{FIELDS,\"metadata\":\"m\"}|metadata must be an object, found a string"
            })
    void theRestOfTheDocumentIsCheckedAsStrictlyAsBefore(final String json, final String message) {
        assertThatThrownBy(() -> parse(json.replace("FIELDS", FIELDS)))
                .isInstanceOf(InvalidEventException.class)
                .hasMessageContaining(message);
    }

    @Test
    void nestingTooDeepInASkippedFieldIsRefused() {
        final String deep =
                "[".repeat(JsonEventParser.MAX_NESTING_DEPTH + 1) + "]".repeat(JsonEventParser.MAX_NESTING_DEPTH + 1);
        assertThatThrownBy(() -> parse("{" + FIELDS + ",\"skipped\":" + deep + "}"))
                .isInstanceOf(InvalidEventException.class)
                .hasMessage("not valid JSON: nested deeper than 64 levels");
        assertThat(List.of(parse("{" + FIELDS + ",\"skipped\":" + deep.substring(2, deep.length() - 2) + "}")))
                .hasSize(1);
    }
}
