package dev.rotor.streams;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.TaskId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a record that keeps killing its stream thread. rotor's handlers fail a task only for the environment's faults
 * (a registry refusing credentials, a broker refusing a write); Kafka Streams then replaces the thread and the record
 * is read again. That is the right answer to a short outage and the wrong one to a record that fails every time: its
 * partition stops advancing while the service looks alive. So each handler that fails a task says which record it was
 * ({@link #failing}), and the uncaught-exception handler reports each replacement ({@link #replaced}): after
 * {@value #ALARM_AFTER} replacements for the same topic-partition-offset the {@link Alarm#RECORD_STUCK} alarm is raised
 * (readiness 503, a metric) and a CRITICAL line naming topic, partition and offset — never a value — is logged. The
 * alarm expires {@link #QUIET} after the last replacement.
 */
public final class StuckRecords {
    static final int ALARM_AFTER = 3;
    static final Duration QUIET = Duration.ofMinutes(5);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(StuckRecords.class);

    private record Position(String topic, int partition, long offset) {
        @Override
        public String toString() {
            return topic + "-" + partition + "@" + offset;
        }
    }

    private record Failures(Position position, int replacements) {}

    private final Telemetry telemetry;
    private final Map<String, Position> failingByTask = new ConcurrentHashMap<>();
    private final Map<String, Failures> replacementsByTask = new ConcurrentHashMap<>();

    public StuckRecords(final Telemetry telemetry) {
        this.telemetry = telemetry;
    }

    /** A handler is about to fail {@code task} because of the record at topic-partition@offset. */
    public void failing(final TaskId task, final String topic, final int partition, final long offset) {
        if (task != null) {
            failingByTask.put(task.toString(), new Position(topic, partition, offset));
        }
    }

    /**
     * A stream thread of {@code applicationId} died with {@code e} and is being replaced; returns how long to wait
     * before the replacement starts: nothing the first time, then doubling from one second up to {@link #MAX_BACKOFF}
     * while the same record keeps failing, so an outage is retried at a bounded rate.
     */
    public Duration replaced(final String applicationId, final Throwable e) {
        telemetry.threadReplaced(applicationId);
        final Optional<TaskId> task = e instanceof StreamsException s ? s.taskId() : Optional.empty();
        if (task.isEmpty()) {
            return Duration.ZERO;
        }
        final String key = applicationId + "/" + task.get();
        final Position position = failingByTask.get(task.get().toString());
        final Failures now = replacementsByTask.merge(
                key,
                new Failures(position, 1),
                (before, one) -> Objects.equals(before.position(), position)
                        ? new Failures(position, before.replacements() + 1)
                        : one);
        if (now.replacements() >= ALARM_AFTER) {
            final String where = position == null ? "task " + task.get() : position.toString();
            final String problem = applicationId + ": the record at " + where + " failed its task " + now.replacements()
                    + " times; its partition is not advancing";
            LOG.error("CRITICAL {}", problem);
            telemetry.alarm(Alarm.RECORD_STUCK, problem, QUIET);
        }
        final long seconds = now.replacements() <= 1 ? 0 : 1L << Math.min(5, now.replacements() - 2);
        return Duration.ofSeconds(Math.min(MAX_BACKOFF.toSeconds(), seconds));
    }
}
