package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.junit.jupiter.api.Test;

/** Which log lines reach a person's console (the rest go to the log file only). */
class LoggingTest {
    private final Logging.WarningsForPeople filter = new Logging.WarningsForPeople();
    private final LoggerContext context = new LoggerContext();

    private FilterReply decide(final String logger, final Level level) {
        return filter.decide(new LoggingEvent(getClass().getName(), context.getLogger(logger), level, "m", null, null));
    }

    @Test
    void rotorsOwnWarningsAndEveryErrorReachThePerson() {
        assertThat(decide("dev.rotor.ops.RotorMetrics", Level.WARN)).isEqualTo(FilterReply.NEUTRAL); // alarm raised
        assertThat(decide("dev.rotor.vault.VaultClient", Level.WARN)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("dev.rotor.streams.StuckRecords", Level.ERROR)).isEqualTo(FilterReply.NEUTRAL);
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.ERROR))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void infoLinesLibraryWarningsAndPerRecordWarningsStayInTheFile() {
        assertThat(decide("dev.rotor.service.RotorService", Level.INFO)).isEqualTo(FilterReply.DENY);
        assertThat(decide("org.apache.kafka.clients.NetworkClient", Level.WARN)).isEqualTo(FilterReply.DENY);
        assertThat(decide("org.apache.kafka.streams.processor.internals.StateDirectory", Level.WARN))
                .isEqualTo(FilterReply.DENY);
        // the console shows these records' decisions and rotations already, within its line budget
        assertThat(decide("dev.rotor.streams.DeadLetterHandler", Level.WARN)).isEqualTo(FilterReply.DENY);
        assertThat(decide("dev.rotor.detection.DecodeSecurityEvents", Level.WARN))
                .isEqualTo(FilterReply.DENY);
        assertThat(decide("dev.rotor.vault.RotationRun", Level.WARN)).isEqualTo(FilterReply.DENY);
        assertThat(decide("dev.rotor.vault.VaultRotator", Level.WARN)).isEqualTo(FilterReply.DENY);
        assertThat(decide("dev.rotor.vault.VaultRotator", Level.ERROR)).isEqualTo(FilterReply.NEUTRAL);
    }
}
