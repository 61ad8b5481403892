package dev.rotor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class StuckRecordsTest {
    private final List<String> alarms = new ArrayList<>();
    private final List<String> replaced = new ArrayList<>();
    private final StuckRecords stuck = new StuckRecords(new Telemetry() {
        @Override
        public void alarm(final Alarm alarm, final String problem, final Duration expiresAfter) {
            alarms.add(alarm + ": " + problem);
        }

        @Override
        public void threadReplaced(final String applicationId) {
            replaced.add(applicationId);
        }
    });
    private final TaskId task = new TaskId(0, 3);

    @Test
    void aRecordThatKillsItsThreadThreeTimesRaisesAnAlarmNamingItsPositionAndTheRetriesSlowDown() {
        final List<Duration> backoffs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stuck.failing(task, "security-events", 3, 42);
            backoffs.add(stuck.replaced("rotor-detection", new StreamsException("boom", task)));
        }

        assertThat(replaced).hasSize(5);
        assertThat(alarms)
                .hasSize(3)
                .allSatisfy(a -> assertThat(a)
                        .startsWith("RECORD_STUCK: rotor-detection: "
                                + "the record at security-events-3@42 failed its task"));
        assertThat(backoffs)
                .containsExactly(
                        Duration.ZERO,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(8));
    }

    @Test
    void failuresAtDifferentOffsetsAreAnOutageThatMovesOnNotAStuckRecord() {
        for (int i = 0; i < 5; i++) {
            stuck.failing(task, "security-events", 3, 42 + i);
            assertThat(stuck.replaced("rotor-detection", new StreamsException("boom", task)))
                    .isZero();
        }
        assertThat(alarms).isEmpty();
    }

    @Test
    void aReplacementWithoutATaskIsCountedButNeverBlamesARecord() {
        assertThat(stuck.replaced("rotor-executor", new IllegalStateException("bug")))
                .isZero();
        assertThat(replaced).containsExactly("rotor-executor");
        assertThat(alarms).isEmpty();
    }
}
