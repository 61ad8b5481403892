package dev.rotor.serde;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fields copied from input are bounded, for JSON and for Avro-decoded events alike
 * ({@link SecurityEventDecoder#normalise}), and no reason ever quotes an over-long field.
 */
class InputBoundsTest {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final SecurityEventDecoder DECODER = new SecurityEventDecoder(1024 * 1024, null);
    private static final String MARK = "Zq7-unique-marker";

    private static byte[] json(final Consumer<ObjectNode> edit) {
        final ObjectNode n = MAPPER.createObjectNode();
        n.put("event_id", "e-1");
        n.put("event_type", "failed_auth_spike");
        n.put("threat_level", "low");
        n.putArray("affected_resources").add("secret/prod/db");
        n.put("timestamp", "2026-12-06T10:00:00Z");
        n.putObject("metadata");
        edit.accept(n);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static SecurityEvent avroShaped(final Consumer<SecurityEvent.Builder> edit) {
        final SecurityEvent.Builder b = SecurityEvent.newBuilder()
                .setEventId("e-1")
                .setEventType("failed_auth_spike")
                .setThreatLevel(ThreatLevel.low)
                .setDescription("")
                .setAffectedResources(List.of("secret/prod/db"))
                .setSourceIp(null)
                .setTimestamp(Instant.parse("2026-12-06T10:00:00Z"))
                .setMetadata(Map.of());
        edit.accept(b);
        return b.build();
    }

    private static InvalidEventException refusal(final byte[] bytes) {
        try {
            DECODER.decode("security-events", bytes);
        } catch (final InvalidEventException e) {
            return e;
        }
        throw new AssertionError("the record was accepted");
    }

    private static InvalidEventException refusal(final SecurityEvent event) {
        try {
            SecurityEventDecoder.normalise(event);
        } catch (final InvalidEventException e) {
            return e;
        }
        throw new AssertionError("the event was accepted");
    }

    private static String repeat(final int n) {
        return MARK + "x".repeat(Math.max(0, n - MARK.length()));
    }

    @Test
    void anEventTypeOfSixHundredThousandCharactersIsRefusedWithoutQuotingIt() {
        final InvalidEventException e = refusal(json(n -> n.put("event_type", repeat(600_000))));

        assertThat(e.code()).isEqualTo(Code.FIELD_TOO_LONG);
        assertThat(e.getMessage())
                .isEqualTo("event_type is longer than 64 characters")
                .doesNotContain(MARK);
        assertThat(e.eventId()).contains("e-1");
    }

    @Test
    void anUnknownEventTypeOfSixtyFourCharactersIsKept() {
        final SecurityEvent e = DECODER.decode("t", json(n -> n.put("event_type", "X".repeat(64))));
        assertThat(e.getEventType()).isEqualTo("x".repeat(64));
    }

    @Test
    void anOverlongEventIdIsRefusedBeforeAnythingUsesIt() {
        // another error later in the same event: the reason must not be tied to the raw id
        final InvalidEventException e =
                refusal(json(n -> n.put("event_id", repeat(300_000)).put("threat_level", "severe")));

        assertThat(e.code()).isEqualTo(Code.FIELD_TOO_LONG);
        assertThat(e.getMessage()).isEqualTo("event_id is longer than 256 characters");
        assertThat(e.eventId()).isEmpty();
    }

    @Test
    void anEventIdWithALineBreakIsRefused() {
        final InvalidEventException e = refusal(json(n -> n.put("event_id", "a\nINFO forged log line")));
        assertThat(e.code()).isEqualTo(Code.WRONG_TYPE);
        assertThat(e.getMessage()).isEqualTo("event_id must not contain control characters");
        assertThat(e.eventId()).isEmpty();
    }

    @Test
    void aSourceIpOverSixtyFourCharactersIsRefused() {
        assertThat(DECODER.decode("t", json(n -> n.put("source_ip", "fe80::1%" + "e".repeat(55))))
                        .getSourceIp())
                .hasSize(63);
        final InvalidEventException e = refusal(json(n -> n.put("source_ip", repeat(65))));
        assertThat(e.code()).isEqualTo(Code.FIELD_TOO_LONG);
        assertThat(e.getMessage()).isEqualTo("source_ip is longer than 64 characters");
    }

    @Test
    void aMetadataKeyOverOneHundredTwentyEightCharactersIsRefusedByPosition() {
        // the value is an object too: the length check comes first, so the key never reaches a reason
        final InvalidEventException e = refusal(json(n -> {
            final ObjectNode m = (ObjectNode) n.get("metadata");
            m.put("ok", "1");
            m.putObject(repeat(129));
        }));

        assertThat(e.code()).isEqualTo(Code.FIELD_TOO_LONG);
        assertThat(e.getMessage())
                .isEqualTo("metadata entry 2 has a key longer than 128 characters")
                .doesNotContain(MARK);
        assertThat(e.eventId()).contains("e-1");
    }

    @Test
    void aMetadataKeyInAReasonIsShownPrintableAndCapped() {
        final String key = "line\nbreak-" + "k".repeat(100);
        final InvalidEventException e = refusal(json(n -> ((ObjectNode) n.get("metadata")).putArray(key)));

        assertThat(e.code()).isEqualTo(Code.WRONG_TYPE);
        assertThat(e.getMessage())
                .startsWith("metadata.line\\u000abreak-kkk")
                .contains("k… must be a string, number or boolean, found an array")
                .doesNotContain("\n")
                .doesNotContain(key.substring(0, 80));
    }

    @Test
    void aMetadataKeyOfOneHundredTwentyEightCharactersIsKept() {
        final String key = "k".repeat(128);
        final SecurityEvent e = DECODER.decode("t", json(n -> ((ObjectNode) n.get("metadata")).put(key, "v")));
        assertThat(e.getMetadata()).containsEntry(key, "v");
    }

    @Test
    void moreThanTenThousandAffectedResourcesAreRefused() {
        final List<String> paths = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            paths.add("secret/p/" + i);
        }
        final InvalidEventException e = refusal(json(n -> {
            final ArrayNode a = n.putArray("affected_resources");
            paths.forEach(a::add);
        }));
        assertThat(e.code()).isEqualTo(Code.FIELD_TOO_LONG);
        assertThat(e.getMessage()).isEqualTo("affected_resources names more than 10000 secret paths");

        assertThat(DECODER.decode("t", json(n -> {
                            final ArrayNode a = n.putArray("affected_resources");
                            paths.subList(0, 10_000).forEach(a::add);
                        }))
                        .getAffectedResources())
                .hasSize(10_000);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void moreThanTenThousandMetadataSecretPathsAreRefused(final boolean asArray) {
        final List<String> paths = new ArrayList<>();
        for (int i = 0; i < 10_001; i++) {
            paths.add("secret/p/" + i);
        }
        final InvalidEventException e = refusal(json(n -> {
            final ObjectNode m = (ObjectNode) n.get("metadata");
            if (asArray) {
                final ArrayNode a = m.putArray("secret_paths");
                paths.forEach(a::add);
            } else {
                m.put("secret_paths", String.join(",", paths) + ",,, ,");
            }
        }));
        assertThat(e.code()).isEqualTo(Code.FIELD_TOO_LONG);
        assertThat(e.getMessage()).isEqualTo("metadata.secret_paths names more than 10000 secret paths");
    }

    @Test
    void theSameBoundsApplyToAvroDecodedEvents() {
        assertThat(refusal(avroShaped(b -> b.setEventType(repeat(65)))).code()).isEqualTo(Code.FIELD_TOO_LONG);
        assertThat(refusal(avroShaped(b -> b.setEventType("  "))).code()).isEqualTo(Code.MISSING_FIELD);
        assertThat(refusal(avroShaped(b -> b.setEventId(repeat(257)))).eventId())
                .isEmpty();
        assertThat(refusal(avroShaped(b -> b.setSourceIp(repeat(65)))).code()).isEqualTo(Code.FIELD_TOO_LONG);
        assertThat(refusal(avroShaped(b -> b.setAffectedResources(Collections.nCopies(10_001, "secret/a"))))
                        .code())
                .isEqualTo(Code.FIELD_TOO_LONG);
        final Map<String, String> longKey = new LinkedHashMap<>();
        longKey.put(repeat(129), "v");
        assertThat(refusal(avroShaped(b -> b.setMetadata(longKey))).getMessage())
                .isEqualTo("metadata entry 1 has a key longer than 128 characters");
    }

    @Test
    void freeTextIsCutNotRefused() {
        final SecurityEvent e = DECODER.decode("t", json(n -> {
            n.put("description", "d".repeat(10_000));
            ((ObjectNode) n.get("metadata")).put("note", "v".repeat(10_000));
        }));
        assertThat(e.getDescription()).hasSizeLessThan(4_200);
        assertThat(e.getMetadata().get("note")).hasSizeLessThan(1_100);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[", "{\"metadata\":[", "{\"metadata\":{\"a\":"})
    void deeplyNestedJsonIsInvalidJsonAndNoStackOverflow(final String opening) {
        final StringBuilder b = new StringBuilder();
        while (b.length() < 100_000) {
            b.append(opening);
        }
        final InvalidEventException e = refusal(b.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(e.code()).isEqualTo(Code.INVALID_JSON);
        assertThat(e.getMessage()).isEqualTo("not valid JSON: nested deeper than 64 levels");
    }

    @Test
    void nestingWithinTheLimitIsOnlyRefusedForItsShape() {
        final String nested = "[".repeat(60) + "]".repeat(60);
        final InvalidEventException e = refusal(json(n -> {
            try {
                ((ObjectNode) n.get("metadata")).set("deep", MAPPER.readTree(nested));
            } catch (final IOException x) {
                throw new IllegalStateException(x);
            }
        }));
        assertThat(e.code()).isEqualTo(Code.WRONG_TYPE);
    }

    @Test
    void everyReasonIsAtMostThreeHundredCharacters() {
        final InvalidEventException e = new InvalidEventException(Code.REFUSED_PATH, "r".repeat(10_000), "e-1");
        assertThat(e.getMessage()).hasSize(300).endsWith("r…");
        assertThat(e.forEvent("e-2").getMessage()).hasSize(300);
        assertThat(e.toDeadLetterTopic("dlq").getMessage()).hasSize(300);
        assertThat(new InvalidEventException(Code.WRONG_TYPE, "short").getMessage())
                .isEqualTo("short");
        // a cut never leaves half of a surrogate pair
        final String emoji = "r".repeat(298) + "\uD83D\uDD11" + "tail";
        assertThat(new InvalidEventException(Code.WRONG_TYPE, emoji).getMessage())
                .isEqualTo("r".repeat(298) + "…");
    }

    @Test
    void anEventIdOverTheLimitIsNeverCarried() {
        assertThat(new InvalidEventException(Code.WRONG_TYPE, "r", "i".repeat(257)).eventId())
                .isEmpty();
        assertThat(new InvalidEventException(Code.WRONG_TYPE, "r")
                        .forEvent("i".repeat(257))
                        .eventId())
                .isEmpty();
        assertThat(new InvalidEventException(Code.WRONG_TYPE, "r", "a\nb").eventId())
                .isEmpty();
        assertThat(new InvalidEventException(Code.WRONG_TYPE, "r", "i".repeat(256)).eventId())
                .contains("i".repeat(256));
    }
}
