package dev.rotor.rotation;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationCommand;
import dev.rotor.avro.RotationResult;
import dev.rotor.config.Durations;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.streams.Statistic;
import dev.rotor.streams.Telemetry;
import dev.rotor.topics.Topics;
import dev.rotor.vault.RotationOutcome;
import dev.rotor.vault.SecretRotator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code execute-rotations}: turns rotation commands into rotations, without ever blocking a stream thread on Vault.
 *
 * <ol>
 *   <li>Reads: {@link RotationCommand}s keyed by secret path, from rotation-commands and, in the single client,
 *       straight from the rules ({@code RotorTopology}); operator decisions from the global store
 *       {@value OperatorControls#STORE}.
 *   <li>Writes: one {@link RotationResult} per command (a held command gets a HELD result first, then its final one); a
 *       notification for each rotation (security-alerts) or failure (security-critical); audit records (held, started,
 *       finished with the Vault calls it made; with {@code rotor.audit.vault-calls=each} also one per call); the
 *       dependents' commands back onto rotation-commands after a successful rotation; a notice per held command towards
 *       {@link AnnounceStorms}.
 *   <li>Guarantees: the rotation-commands copy of a command the single client's rules handed over is skipped (it ran
 *       when handed over). A command id already executed, queued or held gets a DUPLICATE result and calls nothing. An
 *       automatic command passes the {@link StormBreaker} first; a held one waits in {@value #HELD_STORE} until an
 *       operator approves or releases it, or it expires. An accepted command is first written to
 *       {@value #PENDING_STORE} (changelogged; with exactly-once it is durable once committed), then run on a worker
 *       thread; a wall-clock punctuator publishes finished rotations from the stream thread. Commands for one secret
 *       run one at a time, in order. After a crash the pending command runs again and recognises its own work: kv2 by
 *       the marker in the secret's custom_metadata, the other strategies by the intent committed before their change
 *       ({@link IntentHandOff}); where Vault shows nothing that tells, the result is OUTCOME_UNKNOWN, never a second
 *       change.
 *   <li>Limits: results are published up to one punctuation interval after the rotation finishes; a rotation that
 *       finishes while its task closes is published by the next owner, which recognises it.
 * </ol>
 *
 * <p>This class decides (duplicates, the breaker, holds, each secret's queue); {@link ExecutorRecords} writes the
 * records those decisions produce, and {@link InFlightRotations} runs the rotations on the worker threads.
 */
final class ExecuteRotations implements Processor<String, RotationCommand, Object, Object> {
    static final String PENDING_STORE = "pending-rotations";
    static final String EXECUTED_STORE = "executed-commands";
    static final String HELD_STORE = "held-commands";
    static final String INTENTS_STORE = IntentHandOff.STORE;
    /** How long an executed command id is remembered; a replay older than this is caught by kv2's marker instead. */
    static final Duration EXECUTED_RETENTION = Duration.ofDays(30);

    private static final Duration PURGE_EVERY = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(ExecuteRotations.class);

    /** A finished rotation, handed from a worker thread to the stream thread. */
    /**
     * How the executor runs.
     *
     * @param deadline how long a rotation retries transient Vault errors, from when a worker starts it
     * @param punctuateEvery how often finished rotations are published
     * @param closeWait how long a closing task waits for its in-flight rotations
     * @param dryRun decide and publish DRY_RUN results, call nothing
     * @param maxQueuedPerSecret commands that may wait for one secret
     * @param maxQueueBytes the largest a secret's queue may be once serialised (a store value, changelogged)
     * @param breaker the storm breaker's limits
     * @param commandPartitions partitions of rotation-commands, over which the breaker's budget is split
     * @param vaultCallAudit whether each Vault call gets its own audit record or is listed in the finished one
     * @param commandsTopic rotation-commands' name
     * @param handedOverBy the single client's application id: a command read from rotation-commands with it in
     *     {@value Topics#HANDED_OVER_HEADER} was handed straight to that client's executor
     */
    record Settings(
            Duration deadline,
            Duration punctuateEvery,
            Duration closeWait,
            boolean dryRun,
            int maxQueuedPerSecret,
            int maxQueueBytes,
            RotorConfig.BreakerSettings breaker,
            int commandPartitions,
            RotorConfig.VaultCallAudit vaultCallAudit,
            String commandsTopic,
            String handedOverBy) {}

    /** How often held commands are checked against operators' decisions and the hold expiry. */
    static final Duration REVIEW_HOLDS_EVERY = Duration.ofSeconds(1);

    private final SecretRotator rotator;
    private final RotationWorkers workers;
    private final SecretPathPolicy policy;
    private final Settings settings;
    private final Telemetry telemetry;
    private final Serializer<List<RotationCommand>> queueSerializer =
            CommandQueue.serde().serializer();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, List<RotationCommand>> pending;
    private KeyValueStore<String, ExecutedCommand> executed;
    private KeyValueStore<String, Long> statistics;
    private ExecutorRecords records;
    private KeyValueStore<String, HeldCommand> held;
    private IntentHandOff intents;
    private InFlightRotations inFlight;
    private StormBreaker breaker;
    private OperatorControls controls;
    private Cancellable punctuator;
    private boolean restartPending;

    ExecuteRotations(
            final SecretRotator rotator,
            final RotationWorkers workers,
            final SecretPathPolicy policy,
            final Settings settings,
            final Telemetry telemetry) {
        this.rotator = rotator;
        this.workers = workers;
        this.policy = policy;
        this.settings = settings;
        this.telemetry = telemetry;
    }

    @Override
    public void init(final ProcessorContext<Object, Object> context) {
        this.context = context;
        this.pending = context.getStateStore(PENDING_STORE);
        this.executed = context.getStateStore(EXECUTED_STORE);
        this.statistics = context.getStateStore(ExecutorStatistics.STORE);
        this.records = new ExecutorRecords(context, statistics, telemetry, settings.vaultCallAudit());
        this.held = context.getStateStore(HELD_STORE);
        this.intents = new IntentHandOff(context.getStateStore(INTENTS_STORE));
        this.inFlight = new InFlightRotations(rotator, workers, settings.deadline(), intents::logFor);
        this.controls = new OperatorControls(context.getStateStore(OperatorControls.STORE));
        this.breaker = new StormBreaker(
                settings.breaker(),
                context.taskId().partition(),
                settings.commandPartitions(),
                context.getStateStore(StormBreaker.BUDGET_STORE),
                controls);
        context.schedule(REVIEW_HOLDS_EVERY, PunctuationType.WALL_CLOCK_TIME, this::reviewHolds);
        this.punctuator =
                context.schedule(settings.punctuateEvery(), PunctuationType.WALL_CLOCK_TIME, now -> publishFinished());
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, this::forgetOldCommands);
        // commands accepted before a restart or a rebalance run again, from the first punctuation (init may not
        // forward)
        this.restartPending = true;
    }

    /** Keeps {@value #EXECUTED_STORE} bounded: ids older than {@link #EXECUTED_RETENTION} are dropped. */
    private void forgetOldCommands(final long now) {
        final long cutoff = now - EXECUTED_RETENTION.toMillis();
        final List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, ExecutedCommand> it = executed.all()) {
            it.forEachRemaining(kv -> {
                if (kv.value.at() < cutoff) {
                    old.add(kv.key);
                }
            });
        }
        old.forEach(executed::delete);
    }

    private void restartPending() {
        restartPending = false;
        final List<RotationCommand> heads = new ArrayList<>();
        try (KeyValueIterator<String, List<RotationCommand>> it = pending.all()) {
            it.forEachRemaining(kv -> {
                if (!kv.value.isEmpty() && !inFlight.running(kv.key)) {
                    heads.add(kv.value.get(0));
                }
            });
        }
        heads.forEach(this::start);
    }

    @Override
    public void process(final Record<String, RotationCommand> record) {
        final RotationCommand command = record.value();
        if (ranWhenHandedOver(record)) {
            return;
        }
        final long now = context.currentSystemTimeMs();
        if (answeredAsDuplicate(command, now)) {
            return;
        }
        final SecretPathPolicy.Verdict verdict = policy.check(command.getSecretPath());
        if (!verdict.allowed() || !verdict.path().equals(command.getSecretPath())) {
            final String error = "secret path refused: " + verdict.refusal().orElse("not in normal form");
            finish(command, RotationOutcome.Kind.FAILED, Ended.at(now, error));
            return;
        }
        final String holdReason = breaker.admit(command, now);
        if (holdReason != null) {
            hold(command, holdReason, now);
            return;
        }
        run(command, now);
    }

    /**
     * Whether this is the rotation-commands copy of a command the single client's rules handed straight to its
     * executor: that executor took it in the same transaction that wrote this copy, so it is skipped, with no result
     * (the original has its own). An executor-only client of the same deployment skips it too, so a command never runs
     * in two clients. A command handed over and read back is told apart from one handed over now by the topic it came
     * from.
     */
    private boolean ranWhenHandedOver(final Record<String, RotationCommand> record) {
        final Header by = record.headers().lastHeader(Topics.HANDED_OVER_HEADER);
        if (by == null || !settings.handedOverBy().equals(new String(by.value(), StandardCharsets.UTF_8))) {
            return false;
        }
        final boolean fromTopic = context.recordMetadata()
                .map(m -> settings.commandsTopic().equals(m.topic()))
                .orElse(false);
        if (fromTopic) {
            LOG.debug(
                    "Command {} for {} ran when the rules handed it over; its copy on {} is skipped",
                    record.value().getCommandId(),
                    record.key(),
                    settings.commandsTopic());
        }
        return fromTopic;
    }

    /**
     * A command id already executed, still queued or held gets a DUPLICATE result and nothing else. The duplicate
     * reports what the original did: success only if it succeeded (a replayed FAILED command must not read as a
     * rotation), and not yet known while the original still runs or waits for an operator.
     */
    private boolean answeredAsDuplicate(final RotationCommand command, final long now) {
        final ExecutedCommand original = executed.get(command.getCommandId());
        final boolean running =
                original == null && queued(pending.get(command.getSecretPath()), command.getCommandId());
        final boolean waiting = original == null && !running && held.get(command.getCommandId()) != null;
        if (original == null && !running && !waiting) {
            return false;
        }
        Statistic.DUPLICATE_COMMANDS.increment(statistics, 1);
        final String error = running
                ? "duplicate of a command still running; its own result follows"
                : waiting
                        ? "duplicate of a held command; its own result follows when an operator decides"
                        : original.success() ? null : "duplicate of a command that failed";
        records.result(
                command, ResultStatus.DUPLICATE, original != null && original.success(), Ended.at(now, error), 0);
        records.audit(
                command,
                AuditDecision.ROTATION_FINISHED,
                original == null
                        ? "duplicate command: the original is still " + (running ? "running" : "held")
                                + ", nothing called"
                        : "duplicate command: already executed, nothing called",
                now,
                Map.of(
                        "status",
                        "DUPLICATE",
                        "original_success",
                        original == null ? "unknown" : Boolean.toString(original.success())));
        return true;
    }

    /** Runs an admitted command: a dry run answers at once, anything else joins its secret's queue. */
    private void run(final RotationCommand command, final long now) {
        final String path = command.getSecretPath();
        if (settings.dryRun()) {
            executed.put(command.getCommandId(), new ExecutedCommand(now, true));
            Statistic.DRY_RUNS.increment(statistics, 1);
            records.result(command, ResultStatus.DRY_RUN, true, Ended.at(now, null), 0);
            records.audit(
                    command,
                    AuditDecision.ROTATION_FINISHED,
                    "dry run: decided, nothing called in Vault",
                    now,
                    Map.of("status", "DRY_RUN"));
            return;
        }
        final List<RotationCommand> queue = pending.get(path);
        final List<RotationCommand> updated = queue == null ? new ArrayList<>() : new ArrayList<>(queue);
        updated.add(command);
        final String full = queueFull(updated);
        if (full != null) {
            finish(command, RotationOutcome.Kind.FAILED, Ended.at(now, full));
            return;
        }
        pending.put(path, updated);
        if (updated.size() == 1) {
            start(command);
        }
    }

    /**
     * The storm breaker stopped {@code command}: it waits in {@value #HELD_STORE} for an operator, with a HELD result
     * and audit record, and a notice to {@link AnnounceStorms}, which tells people once per storm.
     */
    private void hold(final RotationCommand command, final String reason, final long now) {
        held.put(command.getCommandId(), new HeldCommand(command, now, reason));
        Statistic.HELD.increment(statistics, 1);
        records.result(command, ResultStatus.HELD, false, Ended.at(now, "held: " + reason), 0);
        records.audit(
                command,
                AuditDecision.ROTATION_HELD,
                "held by the storm breaker: " + reason,
                now,
                Map.of("status", "HELD"));
        records.holdNotice(command, reason, now);
    }

    /**
     * Wall clock, every {@link #REVIEW_HOLDS_EVERY}: runs the held commands an operator approved, closes those an
     * operator released (FAILED, no notification: a person decided), and fails those older than
     * {@code rotor.breaker.hold-expiry}. Approved commands do not count against the budget.
     */
    private void reviewHolds(final long now) {
        final List<HeldCommand> all = new ArrayList<>();
        try (KeyValueIterator<String, HeldCommand> it = held.all()) {
            it.forEachRemaining(kv -> all.add(kv.value));
        }
        for (final HeldCommand h : all) {
            final RotationCommand command = h.command();
            final Optional<OperatorControls.Control> decision = controls.decision(h);
            if (decision.isPresent() && decision.get().kind() == OperatorControls.Action.APPROVE) {
                held.delete(command.getCommandId());
                records.audit(
                        command,
                        AuditDecision.ROTATION_HELD,
                        "approved by " + decision.get().by() + "; runs now",
                        now,
                        Map.of("status", "APPROVED", "operator", decision.get().by()));
                if (!answeredAsDuplicate(command, now)) {
                    run(command, now);
                }
            } else if (decision.isPresent()) {
                held.delete(command.getCommandId());
                closeHeld(command, h, "released by " + decision.get().by() + " without rotation", now);
            } else if (now - h.heldAt() > settings.breaker().holdExpiry().toMillis()) {
                held.delete(command.getCommandId());
                closeHeld(
                        command,
                        h,
                        "held for longer than rotor.breaker.hold-expiry="
                                + Durations.format(settings.breaker().holdExpiry())
                                + " without an operator's decision; "
                                + "not rotated",
                        now);
            }
        }
    }

    /** A held command that will not run: FAILED, remembered as executed, no per-secret notification. */
    private void closeHeld(final RotationCommand command, final HeldCommand h, final String why, final long now) {
        executed.put(command.getCommandId(), new ExecutedCommand(now, false));
        Statistic.FAILED_ROTATIONS.increment(statistics, 1);
        records.result(command, ResultStatus.FAILED, false, Ended.between(h.heldAt(), now, why), 0);
        records.audit(
                command,
                AuditDecision.ROTATION_FINISHED,
                "not rotated: " + why,
                now,
                Map.of("status", "FAILED", "held_because", h.reason()));
    }

    /**
     * Why {@code queue} may not be stored, or null: a secret's queue is bounded in count and in bytes, so it can never
     * outgrow what a store value (and its changelog record) may hold and crash-loop the executor.
     */
    private String queueFull(final List<RotationCommand> queue) {
        if (queue.size() > settings.maxQueuedPerSecret()) {
            return "not queued: " + settings.maxQueuedPerSecret() + " commands already wait for this secret"
                    + " (rotor.executor.max-queued-per-secret)";
        }
        final int bytes = queueSerializer.serialize(PENDING_STORE, queue).length;
        if (bytes > settings.maxQueueBytes()) {
            return "not queued: the commands waiting for this secret would take " + bytes + " bytes, more than "
                    + settings.maxQueueBytes();
        }
        return null;
    }

    private static boolean queued(final List<RotationCommand> queue, final String commandId) {
        return queue != null && queue.stream().anyMatch(c -> c.getCommandId().equals(commandId));
    }

    /** Audits the start and hands the command to a worker; the outcome comes back through {@link #inFlight}. */
    private void start(final RotationCommand command) {
        final long startedAt = context.currentSystemTimeMs();
        records.audit(command, AuditDecision.ROTATION_STARTED, "rotation started", startedAt, Map.of());
        inFlight.start(command, startedAt);
    }

    /** Stream thread: publishes what the workers finished and starts each secret's next command. */
    private void publishFinished() {
        if (restartPending) {
            restartPending();
        }
        intents.punctuate(context);
        InFlightRotations.Completion c;
        while ((c = inFlight.poll()) != null) {
            final List<RotationCommand> queue = pending.get(c.path());
            if (queue == null || queue.isEmpty() || !queue.get(0).getCommandId().equals(c.commandId())) {
                continue; // the command is no longer ours (the task moved, or it was already published)
            }
            inFlight.forget(c.path());
            final RotationCommand command = queue.get(0);
            final RotationOutcome o = c.outcome();
            if (o.kind() == RotationOutcome.Kind.CANCELLED) {
                // only a closing task cancels, and it never publishes; should one slip through, run it again
                LOG.warn("Rotation of {} was cancelled while its task stayed open; starting it again", c.path());
                start(command);
                continue;
            }
            finish(command, o.kind(), Ended.of(o, c.startedAt(), c.completedAt()));
            final List<RotationCommand> rest = new ArrayList<>(queue.subList(1, queue.size()));
            if (rest.isEmpty()) {
                pending.delete(c.path());
            } else {
                pending.put(c.path(), rest);
                start(rest.get(0));
            }
        }
    }

    private void finish(final RotationCommand command, final RotationOutcome.Kind kind, final Ended e) {
        executed.put(command.getCommandId(), new ExecutedCommand(e.completedAt(), kind.success()));
        intents.forget(command.getCommandId());
        records.finished(command, kind, e);
    }

    /**
     * The task is closing (shutdown or rebalance). In-flight rotations are asked to stop before their next Vault call
     * (a cancel flag, never an interrupt: an interrupted HTTP call may still have been applied by Vault, and treating
     * it as not done is how a secret gets rotated twice). A rotation past its point of no return finishes its
     * bookkeeping. The task waits a bounded time for them, so that the next owner of the partition does not call Vault
     * for the same secret while a call of ours is still running; their commands stay in {@value #PENDING_STORE} and the
     * next owner runs them again, recognising work already done (kv2's marker).
     */
    @Override
    public void close() {
        if (punctuator != null) {
            punctuator.cancel();
        }
        inFlight.cancelAndAwait(settings.closeWait());
        intents.clear(); // their workers were cancelled above and give up waiting
    }
}
