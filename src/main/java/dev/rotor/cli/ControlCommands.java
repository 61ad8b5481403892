package dev.rotor.cli;

import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.RotorConfig;
import dev.rotor.rotation.OperatorControls;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The operator's levers over the storm breaker (README "Storm breaker"): {@code rotor pause}, {@code resume},
 * {@code approve}, {@code release} send a decision through the rotor-control topic, which every executor instance
 * reads, so a decision is kept, ordered and visible like every other record; {@code rotor held} lists the commands
 * that wait for a decision, whichever instance holds them.
 */
final class ControlCommands {
    private ControlCommands() {
    }

    /** Which held commands a decision covers. */
    static final class Scope {
        @Option(names = "--all", required = true, description = "every command held until now")
        boolean all;

        @Option(names = "--event", paramLabel = "EVENT_ID", required = true,
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

    static int send(final ClientOptions client, final CommandSpec spec, final OperatorControls.Action action,
                    final Scope scope, final String reason) throws Exception {
        final RotorConfig cfg = client.load();
        final OperatorControls.Control control = new OperatorControls.Control(action.name().toLowerCase(
                java.util.Locale.ROOT), scope == null ? null : scope.scope(), scope == null ? null : scope.id(),
                System.currentTimeMillis(), System.getProperty("user.name", "unknown"), reason);
        try (KafkaProducer<byte[], byte[]> producer = TriggerCommand.producer(cfg)) {
            producer.send(new ProducerRecord<>(cfg.topics().rotorControl(),
                    control.key().getBytes(StandardCharsets.UTF_8),
                    control.toJson().getBytes(StandardCharsets.UTF_8))).get();
        }
        spec.commandLine().getOut().printf("sent %s%s to %s%n", control.action(), scope == null ? ""
                : " " + (scope.all ? "--all" : "--" + scope.scope() + " " + scope.id()), cfg.topics().rotorControl());
        spec.commandLine().getOut().flush();
        return RotorCommand.EXIT_OK;
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Hold every automatic rotation from now on (manual triggers still run) until rotor resume.")
    static final class Pause implements Callable<Integer> {
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "why (audited)")
        String reason;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return send(client, spec, OperatorControls.Action.PAUSE, null, reason);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Run automatic rotations again. Commands held while paused stay held until approved.")
    static final class Resume implements Callable<Integer> {
        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "why (audited)")
        String reason;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return send(client, spec, OperatorControls.Action.RESUME, null, reason);
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Run held commands: --all held until now, those of one --event, or one --command.")
    static final class Approve implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Scope scope;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "why (audited)")
        String reason;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return send(client, spec, OperatorControls.Action.APPROVE, scope, reason);
        }
    }

    @Command(name = "release", mixinStandardHelpOptions = true,
            description = "Close held commands without rotating (each ends FAILED): --all, one --event or one --command.")
    static final class Release implements Callable<Integer> {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Scope scope;

        @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "", description = "why (audited)")
        String reason;

        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return send(client, spec, OperatorControls.Action.RELEASE, scope, reason);
        }
    }

    @Command(name = "held", mixinStandardHelpOptions = true,
            description = "List the commands that wait for an operator, across all executor instances.")
    static final class Held implements Callable<Integer> {
        @Mixin
        ClientOptions client;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            final RotorConfig cfg = client.load();
            final List<RotationResult> held = heldCommands(cfg, Duration.ofSeconds(60));
            final java.io.PrintWriter out = spec.commandLine().getOut();
            held.forEach(r -> out.printf("%-40s %-28s %-24s %s%n", r.getSecretPath(), r.getCommandId(),
                    r.getEventId(), r.getError()));
            out.printf("%d command(s) held%n", held.size());
            out.flush();
            return RotorCommand.EXIT_OK;
        }
    }

    /**
     * The commands whose latest result is HELD: rotation-results read from its start (a held command's later result,
     * ROTATED or FAILED, supersedes its HELD one), so the list covers every instance without asking any of them.
     */
    static List<RotationResult> heldCommands(final RotorConfig cfg, final Duration timeout) {
        final Map<String, RotationResult> latest = new LinkedHashMap<>();
        try (Outputs outputs = new Outputs(cfg, List.of(cfg.topics().rotationResults()), true)) {
            final long until = System.nanoTime() + timeout.toNanos();
            while (!outputs.caughtUp()) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("rotation-results not read to its end within " + timeout);
                }
                outputs.poll(Duration.ofMillis(200), (topic, value) -> {
                    final RotationResult r = outputs.decode(value, RotationResult.class);
                    if (r.getStatus() != ResultStatus.DUPLICATE) {
                        latest.remove(r.getCommandId()); // keeps the order of the latest results
                        latest.put(r.getCommandId(), r);
                    }
                });
            }
        }
        return latest.values().stream().filter(r -> r.getStatus() == ResultStatus.HELD).toList();
    }
}
