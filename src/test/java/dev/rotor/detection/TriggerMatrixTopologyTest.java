package dev.rotor.detection;

import static dev.rotor.detection.DetectionDriver.NOW;
import static dev.rotor.detection.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cell of DESIGN.md §3's trigger matrix, through the real topology: one event of weight 1 per cell. */
class TriggerMatrixTopologyTest {
    enum Expect {
        ROTATE,
        COUNT,
        NO
    }

    static Stream<Arguments> cells() {
        final List<Arguments> cells = new ArrayList<>();
        final String[] strong = {"leaked_credential", "api_key_exposed", "unauthorized_access", "brute_force_attack"};
        final String[] weak = {"suspicious_access", "anomalous_behavior", "some_new_scanner_finding"};
        for (final String level : new String[] {"critical", "high", "medium", "low"}) {
            final boolean critical = level.equals("critical");
            for (final String t : strong) {
                cells.add(Arguments.of(t, level, critical || level.equals("high") ? Expect.ROTATE : Expect.NO));
            }
            cells.add(Arguments.of("failed_auth_spike", level, critical ? Expect.ROTATE : Expect.COUNT));
            cells.add(Arguments.of("rate_limit_exceeded", level, critical ? Expect.ROTATE : Expect.COUNT));
            cells.add(Arguments.of("manual_trigger", level, Expect.ROTATE));
            for (final String t : weak) {
                cells.add(Arguments.of(t, level, critical ? Expect.ROTATE : Expect.NO));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{1} {0} -> {2}")
    @MethodSource("cells")
    void eachCellOfTheMatrixDecidesAsTheSeedDid(final String type, final String level, final Expect expect) {
        try (DetectionDriver d = new DetectionDriver()) {
            // matching ignores case on both fields
            d.send(event(type.toUpperCase(Locale.ROOT), level.toUpperCase(Locale.ROOT))
                    .id("e1")
                    .at(NOW.minus(Duration.ofMinutes(1)))
                    .paths("secret/prod/db"));

            final List<KeyValue<String, RotationCommand>> commands = d.commands();
            final List<AuditRecord> audits = d.audits();
            assertThat(audits).hasSize(1);
            switch (expect) {
                case ROTATE -> {
                    assertThat(commands).hasSize(1);
                    assertThat(commands.get(0).key).isEqualTo("secret/prod/db");
                    assertThat(commands.get(0).value.getEventType()).isEqualTo(type);
                    assertThat(audits.get(0).getDecision()).isEqualTo(AuditDecision.ROTATE);
                }
                case COUNT -> {
                    assertThat(commands).isEmpty();
                    assertThat(audits.get(0).getDecision()).isEqualTo(AuditDecision.BELOW_THRESHOLD);
                }
                case NO -> {
                    assertThat(commands).isEmpty();
                    assertThat(audits.get(0).getDecision()).isEqualTo(AuditDecision.NOT_AN_INDICATOR);
                }
            }
        }
    }
}
