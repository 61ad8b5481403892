package dev.rotor.detection;

import static dev.rotor.detection.DetectionDriver.NOW;
import static dev.rotor.detection.DetectionDriver.header;
import static dev.rotor.detection.Events.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.ops.RotorMetrics;
import dev.rotor.streams.DeadLetterHandler;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No output may exceed what the producer accepts: under exactly-once a refused record aborts the transaction and the
 * same input would fail for ever. Fields are capped at the input; what still comes out too large is dropped before the
 * producer sees it and its input is dead-lettered, and the partition goes on.
 */
class OutputLimitsTest {
    @Test
    void anOutputLargerThanTheProducerAcceptsIsDroppedItsInputDeadLetteredAndTheNextEventProcessed() {
        final RotorMetrics metrics = RotorMetrics.forTests();
        // the smallest limit rotor accepts (64 KiB): outputs may then be at most 48 KiB
        try (DetectionDriver d = new DetectionDriver(Map.of("kafka.max.request.size", "65536"), metrics)) {
            final Events big = event("leaked_credential", "critical")
                    .id("big")
                    .at(NOW.minusSeconds(5))
                    .paths("secret/prod/big");
            for (int i = 0; i < 60; i++) {
                big.meta("note_" + i, "x".repeat(1000)); // 60 KB of metadata, copied into the command's trigger
            }
            d.send(big);
            d.send(event("leaked_credential", "critical")
                    .id("next")
                    .at(NOW.minusSeconds(4))
                    .paths("secret/prod/next"));

            assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/next");
            assertThat(d.deadLetters()).singleElement().satisfies(r -> {
                assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("OUTPUT_TOO_LARGE");
                assertThat(header(r, DeadLetterHandler.REASON_HEADER))
                        .startsWith("the output for ")
                        .contains("more than the limit of " + (65536 - 16 * 1024));
            });
            assertThat(metrics.registry()
                            .get(RotorMetrics.OUTPUTS_REFUSED)
                            .counter()
                            .count())
                    .isEqualTo(1.0);
            assertThat(d.audits(AuditDecision.ROTATE))
                    .extracting(a -> a.getEventId())
                    .containsExactly("next");
        }
    }

    @Test
    void aRefusedPathReasonNamesTwoPathsAndCountsTheRest() {
        try (DetectionDriver d = new DetectionDriver()) {
            final String[] paths = new String[6000];
            for (int i = 0; i < paths.length; i++) {
                paths[i] = "outside/allowlist/path-" + i;
            }
            d.send(event("leaked_credential", "critical")
                    .id("many")
                    .at(NOW.minus(Duration.ofSeconds(5)))
                    .paths(paths));
            d.send(event("leaked_credential", "critical")
                    .id("next")
                    .at(NOW.minusSeconds(4))
                    .paths("secret/prod/next"));

            assertThat(d.commands()).extracting(kv -> kv.key).containsExactly("secret/prod/next");
            assertThat(d.deadLetters()).singleElement().satisfies(r -> {
                assertThat(header(r, DeadLetterHandler.CODE_HEADER)).isEqualTo("REFUSED_PATH");
                assertThat(header(r, DeadLetterHandler.REASON_HEADER))
                        .startsWith("refused 6000 of 6000 secret paths")
                        .contains("and 5998 more")
                        .hasSizeLessThanOrEqualTo(300);
                r.headers().forEach(h -> assertThat(h.value().length).isLessThan(8192));
            });
            assertThat(d.audits(AuditDecision.PATH_REFUSED)).hasSize(6000);
        }
    }
}
