package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.config.ConfigException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DlqReplayOptionsTest {
    @Test
    void sinceTakesAnIsoTimeOrADurationBackFromNow() {
        assertThat(DlqReplayCommand.since("2026-12-06T10:00:00Z")).contains(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(DlqReplayCommand.since("2026-12-06T12:00:00+02:00")).contains(Instant.parse("2026-12-06T10:00:00Z"));
        assertThat(DlqReplayCommand.since("2h").orElseThrow())
                .isBetween(
                        Instant.now().minus(Duration.ofHours(2)).minusSeconds(5),
                        Instant.now().minus(Duration.ofHours(2)));
        assertThat(DlqReplayCommand.since(null)).isEmpty();
        assertThatThrownBy(() -> DlqReplayCommand.since("yesterday"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--since: 'yesterday' is neither an ISO-8601 time");
    }
}
