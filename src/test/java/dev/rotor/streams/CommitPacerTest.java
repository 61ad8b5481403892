package dev.rotor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class CommitPacerTest {
    private final MockProcessorContext<String, String> context = new MockProcessorContext<>();
    private final CommitPacer pacer = new CommitPacer(20);

    private boolean requestAt(final long ms) {
        context.resetCommit();
        context.setCurrentSystemTimeMs(ms);
        pacer.requestCommit(context);
        return context.committed();
    }

    @Test
    void aLoneRequestCommitsAtOnce() {
        assertThat(requestAt(1_000)).isTrue();
    }

    @Test
    void aSteadyStreamOfRequestsLeavesCommitsToTheInterval() {
        assertThat(requestAt(1_000)).isTrue();
        for (long t = 1_005; t <= 2_000; t += 5) {
            assertThat(requestAt(t)).as("request at %d ms", t).isFalse();
        }
    }

    @Test
    void aRequestAfterAQuietSpellCommitsAgain() {
        assertThat(requestAt(1_000)).isTrue();
        assertThat(requestAt(1_010)).isFalse();
        assertThat(requestAt(1_030)).isTrue();
        assertThat(requestAt(1_049)).isFalse();
        assertThat(requestAt(1_069)).isTrue();
    }
}
