package dev.rotor.cli;

import dev.rotor.config.ConfigException;
import dev.rotor.config.Durations;
import dev.rotor.config.RotorConfig;
import dev.rotor.replay.DeadLetterReplay;
import dev.rotor.replay.ReplayFilter;
import dev.rotor.replay.ReplaySummary;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code rotor dlq replay}: re-publishes dead letters to their source topic after the cause was fixed (a registry
 * outage, a widened allowlist), then prints what it did. Exit 0 when every picked, replayable dead letter was sent
 * (skips are reported, not errors), 1 when a send failed, 2 for bad options or a missing DLQ topic.
 */
@Command(
        name = "replay",
        description = "Re-publish refused records from a DLQ to the topic they were refused from "
                + "(original key, value and headers; rotor's error headers removed).")
public final class DlqReplayCommand implements Callable<Integer> {
    @Option(
            names = "--topic",
            paramLabel = "TOPIC",
            required = true,
            description = "the DLQ: security-events-dlq, rotation-commands-dlq or an adapter's <topic>-dlq")
    String topic;

    @Option(
            names = "--code",
            paramLabel = "CODE",
            split = ",",
            description = "only dead letters with this rotor.error.code (repeatable or comma separated), "
                    + "e.g. REFUSED_PATH, REGISTRY_UNAVAILABLE")
    List<String> codes;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description =
                    "only records stamped at or after TIME: ISO-8601 (2026-12-06T10:00:00Z) or a duration ago (2h, 3d)")
    String since;

    @Option(names = "--dry-run", description = "report what would be republished, send nothing")
    boolean dryRun;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "5m",
            description = "how long reading the DLQ may take")
    String timeout;

    @Mixin
    ClientOptions client;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        final RotorConfig cfg = client.load();
        final ReplayFilter filter = new ReplayFilter(codes == null ? Set.of() : Set.copyOf(codes), since(since));
        final Duration limit;
        try {
            limit = Durations.parse(timeout);
        } catch (final IllegalArgumentException e) {
            throw new ConfigException("--timeout", e.getMessage());
        }
        final ReplaySummary summary = new DeadLetterReplay(cfg).replay(topic, filter, dryRun, limit);
        summary.print(spec.commandLine().getOut());
        return summary.failed() == 0 ? RotorCommand.EXIT_OK : RotorCommand.EXIT_RUNTIME;
    }

    /** An ISO-8601 instant or date-time with offset, or a duration back from now. */
    static Optional<Instant> since(final String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        final String t = text.trim();
        try {
            return Optional.of(OffsetDateTime.parse(t).toInstant());
        } catch (final DateTimeParseException e) {
            // not a date-time; a duration?
        }
        try {
            return Optional.of(Instant.now().minus(Durations.parse(t)));
        } catch (final IllegalArgumentException e) {
            throw new ConfigException(
                    "--since",
                    "'" + t + "' is neither an ISO-8601 time (2026-12-06T10:00:00Z)" + " nor a duration (2h, 3d)");
        }
    }
}
