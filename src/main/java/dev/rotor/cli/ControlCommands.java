package dev.rotor.cli;

import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.Durations;
import dev.rotor.config.RotorConfig;
import dev.rotor.events.Hashing;
import dev.rotor.rotation.OperatorControls;
import dev.rotor.rotation.StormBreaker;
import dev.rotor.serde.AvroJson;
import dev.rotor.serde.ConfluentAvroSerde;
import dev.rotor.topics.Producers;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serde;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The operator's levers over the storm breaker (README "Storm breaker"): {@code rotor pause}, {@code resume},
 * {@code approve}, {@code release} send a decision through the rotor-control topic, which every executor instance
 * reads, so a decision is kept, ordered and visible like every other record; {@code rotor held} lists the commands that
 * wait for a decision, whichever instance holds them.
 *
 * <p>The four decisions are picocli command methods of this class ({@link RotorCommand#commandLine()} adds them): they
 * differ only in their action and whether they take a {@link Scope}. They are static because picocli calls an instance
 * method of a subcommand on its parent command's object, which is {@code RotorCommand}.
 */
final class ControlCommands {
    private ControlCommands() {}

    /** Which held commands a decision covers. */
    static final class Scope {
        @Option(names = "--all", required = true, description = "every command held until now")
        boolean all;

        @Option(
                names = "--event",
                paramLabel = "EVENT_ID",
                required = true,
                description = "the held commands of one event")
        String event;

        @Option(names = "--command", paramLabel = "COMMAND_ID", required = true, description = "one held command")
        String command;

        String scope() {
            return all ? "all" : event != null ? "event" : "command";
        }

        String id() {
            return all ? null : event != null ? event : command;
        }
    }

    /** What every decision takes: the client's settings and a reason, and the spec of the command that runs. */
    static final class DecisionOptions {
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "why (audited)")
        String reason;

        @Mixin
        ClientOptions client;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;
    }

    /** What the commands that read rotor's topics take: the client's settings and a bound on the reading. */
    static final class ReadOptions {
        @Option(
                names = "--timeout",
                paramLabel = "DURATION",
                defaultValue = "60s",
                description = "how long reading rotation-commands and rotation-results may take")
        String timeout;

        @Mixin
        ClientOptions client;

        @Spec(Spec.Target.MIXEE)
        CommandSpec spec;

        Duration timeout() {
            return Durations.parse(timeout);
        }
    }

    @Command(
            name = "pause",
            description = "Hold every automatic rotation from now on (manual triggers still run) until rotor resume.")
    static int pause(@Mixin final DecisionOptions options) throws Exception {
        return send(OperatorControls.Action.PAUSE, null, options);
    }

    @Command(
            name = "resume",
            description = "Run automatic rotations again. Commands held while paused stay held until approved.")
    static int resume(@Mixin final DecisionOptions options) throws Exception {
        return send(OperatorControls.Action.RESUME, null, options);
    }

    @Command(
            name = "approve",
            description = "Run held commands: --all held until now, those of one --event, or one --command.")
    static int approve(
            @Mixin final DecisionOptions options, @ArgGroup(exclusive = true, multiplicity = "1") final Scope scope)
            throws Exception {
        return send(OperatorControls.Action.APPROVE, scope, options);
    }

    @Command(
            name = "release",
            description =
                    "Close held commands without rotating (each ends FAILED): --all, one --event or one --command.")
    static int release(
            @Mixin final DecisionOptions options, @ArgGroup(exclusive = true, multiplicity = "1") final Scope scope)
            throws Exception {
        return send(OperatorControls.Action.RELEASE, scope, options);
    }

    /**
     * Sends one operator decision to rotor-control and says so.
     *
     * @param scope which held commands it covers; null for pause and resume
     */
    private static int send(final OperatorControls.Action action, final Scope scope, final DecisionOptions options)
            throws Exception {
        final RotorConfig cfg = options.client.load();
        final OperatorControls.Control control = new OperatorControls.Control(
                action.name().toLowerCase(Locale.ROOT),
                scope == null ? null : scope.scope(),
                scope == null ? null : scope.id(),
                System.currentTimeMillis(),
                System.getProperty("user.name", "unknown"),
                options.reason);
        try (KafkaProducer<byte[], byte[]> producer = Producers.bytes(cfg)) {
            producer.send(new ProducerRecord<>(
                            cfg.topics().rotorControl(),
                            control.key().getBytes(StandardCharsets.UTF_8),
                            control.toJson().getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        final PrintWriter out = options.spec.commandLine().getOut();
        out.printf(
                "sent %s%s to %s%n",
                control.action(),
                scope == null ? "" : " " + (scope.all ? "--all" : "--" + scope.scope() + " " + scope.id()),
                cfg.topics().rotorControl());
        out.flush();
        return RotorCommand.EXIT_OK;
    }

    @Command(name = "held", description = "List the commands that wait for an operator, across all executor instances.")
    static final class Held implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            final RotorConfig cfg = client.load();
            final List<RotationResult> held = heldCommands(cfg, Duration.ofSeconds(60));
            final PrintWriter out = spec.commandLine().getOut();
            held.forEach(r -> out.printf(
                    "%-40s %-28s %-24s %s%n", r.getSecretPath(), r.getCommandId(), r.getEventId(), r.getError()));
            out.printf("%d command(s) held%n", held.size());
            out.flush();
            return RotorCommand.EXIT_OK;
        }
    }

    /** One command and where it stands: its latest result's status in lower case, or {@code pending}. */
    record Standing(String state, String secretPath, String commandId, String eventId, String detail) {}

    /**
     * Every command on rotation-commands and every command with a result, with its state: the latest result's status
     * (DUPLICATE results aside), or {@code pending} for a command without a result yet. Both topics are read from their
     * start, so the list covers every executor instance without asking any of them.
     */
    static List<Standing> standings(final RotorConfig cfg, final Duration timeout) {
        final Map<String, RotationResult> latest = latestResults(cfg, timeout);
        final Map<String, Standing> all = new LinkedHashMap<>();
        readAll(
                cfg,
                cfg.topics().rotationCommands(),
                RotationCommand.class,
                timeout,
                (c, raw) -> all.putIfAbsent(
                        c.getCommandId(),
                        new Standing(
                                "pending",
                                c.getSecretPath(),
                                c.getCommandId(),
                                c.getEventId(),
                                "rule " + c.getRule())));
        latest.values()
                .forEach(r -> all.put(
                        r.getCommandId(),
                        new Standing(
                                r.getStatus().name().toLowerCase(Locale.ROOT),
                                r.getSecretPath(),
                                r.getCommandId(),
                                r.getEventId(),
                                r.getError() == null ? "" : r.getError())));
        return List.copyOf(all.values());
    }

    @Command(
            name = "rotations",
            description = "List rotations by state across all executor instances (from rotation-commands and "
                    + "rotation-results).")
    static final class Rotations implements Callable<Integer> {
        @Option(
                names = "--state",
                split = ",",
                paramLabel = "STATE",
                defaultValue = "pending,held,failed,outcome_unknown,rotated_incomplete",
                description = "states to list, comma separated: pending (no result yet), held, failed, "
                        + "outcome_unknown, rotated_incomplete, rotated, already_mitigated, dry_run, or all "
                        + "(default: the ones that need a look)")
        List<String> states;

        @Mixin
        ReadOptions read;

        @Override
        public Integer call() throws Exception {
            final RotorConfig cfg = read.client.load();
            final Set<String> wanted = Set.copyOf(
                    states.stream().map(x -> x.trim().toLowerCase(Locale.ROOT)).toList());
            final List<Standing> shown = standings(cfg, read.timeout()).stream()
                    .filter(x -> wanted.contains("all") || wanted.contains(x.state()))
                    .toList();
            final PrintWriter out = read.spec.commandLine().getOut();
            shown.forEach(x -> out.printf(
                    "%-18s %-40s %-28s %-24s %s%n", x.state(), x.secretPath(), x.commandId(), x.eventId(), x.detail()));
            final Map<String, Long> counts = new TreeMap<>();
            shown.forEach(x -> counts.merge(x.state(), 1L, Long::sum));
            out.printf("%d rotation(s)%s%n", shown.size(), counts.isEmpty() ? "" : ": " + counts);
            out.flush();
            return RotorCommand.EXIT_OK;
        }
    }

    /**
     * The commands whose latest result is HELD: rotation-results read from its start (a held command's later result,
     * ROTATED or FAILED, supersedes its HELD one), so the list covers every instance without asking any of them.
     */
    static List<RotationResult> heldCommands(final RotorConfig cfg, final Duration timeout) {
        return latestResults(cfg, timeout).values().stream()
                .filter(r -> r.getStatus() == ResultStatus.HELD)
                .toList();
    }

    /** Each command's latest result other than DUPLICATE, oldest first, from the whole of rotation-results. */
    static Map<String, RotationResult> latestResults(final RotorConfig cfg, final Duration timeout) {
        final Map<String, RotationResult> latest = new LinkedHashMap<>();
        readAll(cfg, cfg.topics().rotationResults(), RotationResult.class, timeout, (r, raw) -> {
            if (r.getStatus() != ResultStatus.DUPLICATE) {
                latest.remove(r.getCommandId()); // keeps the order of the latest results
                latest.put(r.getCommandId(), r);
            }
        });
        return latest;
    }

    /** Hands every record {@code topic} holds now to {@code sink}, decoded and as it was written. */
    private static <T extends SpecificRecord> void readAll(
            final RotorConfig cfg,
            final String topic,
            final Class<T> type,
            final Duration timeout,
            final BiConsumer<T, byte[]> sink) {
        try (Outputs outputs = new Outputs(cfg, List.of(topic), true)) {
            final long until = System.nanoTime() + timeout.toNanos();
            while (!outputs.caughtUp()) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException(topic + " not read to its end within " + timeout);
                }
                outputs.poll(Duration.ofMillis(200), (t, value) -> sink.accept(outputs.decode(value, type), value));
            }
        }
    }

    /**
     * The serde that writes a command as {@code original} was written (Confluent Avro when its first byte is 0, else
     * JSON), so that the executors read the retry whatever this machine's own {@code rotor.output.format} says.
     */
    private static Serde<RotationCommand> sameFormatAs(final byte[] original, final RotorConfig cfg) {
        if (original.length > 0 && original[0] == 0) {
            final ConfluentAvroSerde<RotationCommand> avro = new ConfluentAvroSerde<>(RotationCommand.class);
            avro.configure(cfg.kafka(), false);
            return avro;
        }
        return AvroJson.serde(RotationCommand.class);
    }

    @Command(
            name = "retry",
            description = "Run a failed command again: a new command for the same secret, linked to the failed one "
                    + "(parent_command_id), which the storm breaker does not hold.")
    static final class Retry implements Callable<Integer> {
        /** The results a person may ask to run again. */
        static final Set<ResultStatus> RETRYABLE =
                EnumSet.of(ResultStatus.FAILED, ResultStatus.OUTCOME_UNKNOWN, ResultStatus.ROTATED_INCOMPLETE);

        @Parameters(paramLabel = "COMMAND_ID", description = "the command that failed")
        String commandId;

        @Mixin
        ReadOptions read;

        @Override
        public Integer call() throws Exception {
            final RotorConfig cfg = read.client.load();
            final Duration wait = read.timeout();
            final PrintWriter out = read.spec.commandLine().getOut();
            final RotationResult last = latestResults(cfg, wait).get(commandId);
            if (last == null || !RETRYABLE.contains(last.getStatus())) {
                out.printf(
                        "%s %s; only a FAILED, OUTCOME_UNKNOWN or ROTATED_INCOMPLETE command can be retried%n",
                        commandId, last == null ? "has no result" : "ended " + last.getStatus());
                out.flush();
                return RotorCommand.EXIT_RUNTIME;
            }
            final List<RotationCommand> originals = new ArrayList<>();
            final List<byte[]> originalBytes = new ArrayList<>();
            readAll(cfg, cfg.topics().rotationCommands(), RotationCommand.class, wait, (c, raw) -> {
                if (c.getCommandId().equals(commandId)) {
                    originals.add(c);
                    originalBytes.add(raw);
                }
            });
            if (originals.isEmpty()) {
                out.printf(
                        "%s is no longer on %s (older than its retention); trigger the secret again with "
                                + "rotor trigger --path %s%n",
                        commandId, cfg.topics().rotationCommands(), last.getSecretPath());
                out.flush();
                return RotorCommand.EXIT_RUNTIME;
            }
            final Instant now = Instant.now();
            final RotationCommand retry = RotationCommand.newBuilder(originals.get(0))
                    .setCommandId("cmd-" + Hashing.id(StormBreaker.RETRY_RULE, commandId, now.toString()))
                    .setRule(StormBreaker.RETRY_RULE)
                    .setParentCommandId(commandId)
                    .setRequestedAt(now)
                    .build();
            final String topic = cfg.topics().rotationCommands();
            try (KafkaProducer<byte[], byte[]> producer = Producers.bytes(cfg);
                    Serde<RotationCommand> serde = sameFormatAs(originalBytes.get(0), cfg)) {
                producer.send(new ProducerRecord<>(
                                topic,
                                retry.getSecretPath().getBytes(StandardCharsets.UTF_8),
                                serde.serializer().serialize(topic, retry)))
                        .get();
            }
            out.printf(
                    "sent %s for %s, a retry of %s (%s)%n",
                    retry.getCommandId(), retry.getSecretPath(), commandId, last.getStatus());
            out.flush();
            return RotorCommand.EXIT_OK;
        }
    }
}
