package dev.rotor.cli;

import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.RotorConfig;
import dev.rotor.service.RotorService;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.apache.kafka.common.errors.InterruptException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live part of the console for people: one line per detection decision and per rotation result as they are
 * committed, read from {@code rotation-audit} and {@code rotation-results} (from their end, without a consumer group,
 * read_committed), formatted by {@link ConsoleFormat}.
 *
 * <ol>
 *   <li><b>What it shows.</b> Committed outputs of the cluster, whichever instance wrote them: with several instances
 *       each console shows all of them. {@code --role detection} shows decisions only, {@code executor} results only.
 *   <li><b>Bounded.</b> At most {@value #LINES_PER_SECOND} lines per second; the rest are tallied by decision or status
 *       and summed up in one line at the end of the second, so an incident of 10,000 secrets does not flood the
 *       terminal (the full story is in the topics and in {@code /stats}).
 *   <li><b>Never in the way.</b> It runs on its own daemon thread; a record it cannot read is counted and skipped, and
 *       nothing it does can stop rotor. {@link #close()} stops it.
 * </ol>
 */
final class ConsoleFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFeed.class);
    static final int LINES_PER_SECOND = 20;

    private final RotorConfig config;
    private final PrintStream out;
    private final boolean decisions;
    private final boolean results;
    private final Outputs outputs;
    private final Throttle throttle;
    private final Thread thread;
    private volatile boolean running = true;

    private ConsoleFeed(
            final RotorConfig config, final PrintStream out, final boolean decisions, final boolean results) {
        this.config = config;
        this.out = out;
        this.decisions = decisions;
        this.results = results;
        final List<String> topics = new ArrayList<>();
        if (decisions) {
            topics.add(config.topics().rotationAudit());
        }
        if (results) {
            topics.add(config.topics().rotationResults());
        }
        this.outputs = new Outputs(config, topics);
        this.throttle = new Throttle(LINES_PER_SECOND, System::nanoTime);
        this.thread = new Thread(this::loop, "rotor-console");
        this.thread.setDaemon(true);
    }

    /**
     * Starts following the outputs of {@code role} from now on.
     *
     * @param out where the lines go (standard output)
     */
    static ConsoleFeed start(final RotorConfig config, final RotorService.Role role, final PrintStream out) {
        final ConsoleFeed feed =
                new ConsoleFeed(config, out, role != RotorService.Role.EXECUTOR, role != RotorService.Role.DETECTION);
        feed.thread.start();
        return feed;
    }

    private void loop() {
        long unreadable = 0;
        while (running) {
            try {
                final List<Line> lines = new ArrayList<>();
                outputs.poll(Duration.ofMillis(200), (topic, value) -> {
                    final Line line = line(topic, value);
                    if (line != null) {
                        lines.add(line);
                    }
                });
                for (final Line line : lines) {
                    throttle.offer(line.text(), line.kind()).forEach(out::println);
                }
                throttle.flushIfDue().ifPresent(out::println);
            } catch (final InterruptException e) {
                return;
            } catch (final RuntimeException e) {
                // a record the console cannot decode (e.g. the registry is down): the topics keep it, rotor goes on
                if (unreadable++ == 0) {
                    LOG.info(
                            "console: cannot show an output record ({})",
                            e.getClass().getSimpleName());
                }
            }
        }
    }

    /** A console line and its kind (decision or status), by which left-out lines are tallied. */
    private record Line(String text, String kind) {}

    private Line line(final String topic, final byte[] value) {
        if (value == null) {
            return null;
        }
        if (decisions && topic.equals(config.topics().rotationAudit())) {
            final AuditRecord a = outputs.decode(value, AuditRecord.class);
            return ConsoleFormat.shown(a)
                    ? new Line(
                            ConsoleFormat.timed(a.getRecordedAt(), ConsoleFormat.decision(a)),
                            a.getDecision().toString())
                    : null;
        }
        if (results && topic.equals(config.topics().rotationResults())) {
            final RotationResult r = outputs.decode(value, RotationResult.class);
            return new Line(
                    ConsoleFormat.timed(r.getRotationCompletedAt(), ConsoleFormat.rotation(r)),
                    r.getStatus().toString());
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(Duration.ofSeconds(2).toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        outputs.close();
    }

    /**
     * Lets {@code limit} lines through per second and tallies the others by kind; {@link #flushIfDue()} gives the tally
     * line once the second is over.
     */
    static final class Throttle {
        private final int limit;
        private final LongSupplier nanos;
        private final Map<String, Long> omitted = new LinkedHashMap<>();
        private long windowStart;
        private int shown;

        Throttle(final int limit, final LongSupplier nanos) {
            this.limit = limit;
            this.nanos = nanos;
            this.windowStart = nanos.getAsLong();
        }

        /**
         * What to print now: the tally of the second that just ended (if any), then {@code line} unless this second
         * already showed {@code limit} lines, in which case it is tallied under {@code kind}.
         */
        List<String> offer(final String line, final String kind) {
            final List<String> print = new ArrayList<>(2);
            flushIfDue().ifPresent(print::add);
            if (shown < limit) {
                shown++;
                print.add(line);
            } else {
                omitted.merge(kind, 1L, Long::sum);
            }
            return print;
        }

        /** When a second has passed: the tally of lines left out in it (if any), and a new second starts. */
        Optional<String> flushIfDue() {
            final long now = nanos.getAsLong();
            if (now - windowStart < 1_000_000_000L) {
                return Optional.empty();
            }
            windowStart = now;
            shown = 0;
            if (omitted.isEmpty()) {
                return Optional.empty();
            }
            final String tally = ConsoleFormat.omitted(omitted);
            omitted.clear();
            return Optional.of(tally);
        }
    }
}
