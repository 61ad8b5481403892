package dev.rotor.vault;

import dev.rotor.config.ConfigException;
import dev.rotor.config.RotationTargets;
import dev.rotor.config.RotationTargets.Target;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretPathPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's {@link SecretRotator} on Vault: refuses a path that fails {@link SecretPathPolicy#structuralProblem}
 * (FAILED at once, no Vault call), finds the rotation target for the path, runs its strategy with the retry rule
 * (transient errors retried with backoff until the request's deadline; 403, 404 and other 4xx fail at once) and reports
 * a {@link RotationOutcome} with every Vault call made (method, path, status, duration).
 *
 * <p>Thread-safe: worker threads share one instance. Never throws for anything Vault answers. Stopping (see
 * {@link RotationRun}): a request whose {@link RotationRequest#cancelled() cancelled} signal turns true before the
 * secret was changed ends CANCELLED; after that the rotation finishes. On interruption (JVM shutdown) it stops before
 * the next Vault call and returns FAILED "interrupted" — unless the change had already been sent, in which case the
 * remaining steps finish; either way the thread's interrupt flag is set again on return.
 */
public final class VaultRotator implements SecretRotator {
    private static final Logger LOG = LoggerFactory.getLogger(VaultRotator.class);
    /** The seed's target when a request carries no deadline. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(5);

    private static final Map<String, RotationStrategy> STRATEGIES = Stream.of(
                    new Kv2Strategy(),
                    new DatabaseStaticRoleStrategy(),
                    new DatabaseRootStrategy(),
                    new TransitStrategy(),
                    new LeaseRevokePrefixStrategy(),
                    new AwsRootStrategy())
            .collect(Collectors.toUnmodifiableMap(RotationStrategy::name, Function.identity()));

    private final VaultClient client;
    private final RotationTargets targets;
    private final Duration defaultDeadline;
    private final Backoff backoff;
    private final Map<Target, TargetSpec> specs = new ConcurrentHashMap<>();

    /** With the default backoff (100 ms doubling to 5 s, full jitter) and a 5 minute default deadline. */
    public VaultRotator(final VaultClient client, final RotationTargets targets) {
        this(client, targets, DEFAULT_DEADLINE, Duration.ofMillis(100), Duration.ofSeconds(5));
    }

    /**
     * @param defaultDeadline how long to retry when a request carries no deadline
     * @param initialBackoff the first retry delay's ceiling
     * @param maxBackoff the largest retry delay
     * @throws ConfigException if a target's options are invalid
     */
    public VaultRotator(
            final VaultClient client,
            final RotationTargets targets,
            final Duration defaultDeadline,
            final Duration initialBackoff,
            final Duration maxBackoff) {
        this.client = Objects.requireNonNull(client, "client");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.defaultDeadline = Objects.requireNonNull(defaultDeadline, "defaultDeadline");
        this.backoff = new Backoff(initialBackoff, maxBackoff);
        validate(targets);
    }

    /** The client this rotator calls Vault with (for the start-up token check and the renewer). */
    public VaultClient client() {
        return client;
    }

    /** The app's rotator: a {@link VaultClient} from the config, its targets (validated), its rotation deadline. */
    public static VaultRotator fromConfig(final RotorConfig config) {
        return new VaultRotator(
                VaultClient.fromConfig(config),
                config.targets(),
                config.executor().rotationDeadline(),
                Duration.ofMillis(100),
                Duration.ofSeconds(5));
    }

    /**
     * Checks every target's strategy options (fields, quarantine, generator, mount, name, prefix, dependents) so a bad
     * {@code rotation-targets.yaml} fails at start-up, not at the first rotation.
     *
     * @throws ConfigException naming the key, e.g. {@code rotation-targets.yaml targets[2].generator.length}
     */
    public static void validate(final RotationTargets targets) {
        TargetSpec.validate(targets);
    }

    @Override
    public RotationOutcome rotate(final RotationRequest request) {
        final Instant started = Instant.now();
        final String path = request.secretPath() == null
                ? ""
                : request.secretPath().startsWith("/") ? request.secretPath().substring(1) : request.secretPath();
        final Optional<String> refused = SecretPathPolicy.structuralProblem(path);
        if (refused.isPresent()) {
            // checked again here (detection and the executor check it too): nothing unchecked may reach a Vault URL
            return finish(
                    SecretPathPolicy.printable(path),
                    started,
                    RotationOutcome.failed("none", "secret path refused: " + refused.get(), List.of()));
        }
        final Optional<Target> target = targets.match(path);
        if (target.isEmpty()) {
            return finish(
                    path, started, RotationOutcome.failed("none", "no rotation target matches " + path, List.of()));
        }
        final String strategyName = target.get().strategy();
        final Instant deadline = request.deadline() != null ? request.deadline() : started.plus(defaultDeadline);
        final RotationRun run = new RotationRun(client, request, backoff, started, deadline);
        RotationOutcome outcome;
        try {
            final TargetSpec spec = specs.computeIfAbsent(
                    target.get(), t -> TargetSpec.parse(t, "rotation-targets.yaml target '" + t.pattern() + "'"));
            final RotationStrategy strategy = STRATEGIES.get(strategyName);
            if (strategy == null) {
                throw new RotationFailure("strategy " + strategyName + " is not supported");
            }
            final RotationStrategy.Result r = strategy.rotate(run, spec, path);
            final boolean cascades = r.kind() == RotationOutcome.Kind.ROTATED
                    || r.kind() == RotationOutcome.Kind.ALREADY_APPLIED
                    || r.kind() == RotationOutcome.Kind.ROTATED_INCOMPLETE;
            outcome = new RotationOutcome(
                    r.kind(),
                    strategyName,
                    r.oldVersion(),
                    r.newVersion(),
                    r.error(),
                    run.calls(),
                    cascades ? spec.dependents() : List.of());
        } catch (final RotationFailure f) {
            outcome = new RotationOutcome(f.kind(), strategyName, null, null, f.getMessage(), run.calls(), List.of());
        } catch (final ConfigException e) {
            outcome = RotationOutcome.failed(strategyName, e.getMessage(), run.calls());
        } catch (final RuntimeException e) {
            // a bug; the exception's message is not trusted to be value-free, so only its type and origin are logged
            final StackTraceElement at = e.getStackTrace().length > 0 ? e.getStackTrace()[0] : null;
            LOG.error("internal error {} at {} while rotating {}", e.getClass().getName(), at, path);
            outcome = RotationOutcome.failed(
                    strategyName, "internal error (" + e.getClass().getSimpleName() + ")", run.calls());
        } finally {
            if (run.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
        return finish(path, started, outcome);
    }

    private static RotationOutcome finish(final String path, final Instant started, final RotationOutcome o) {
        final long ms = Duration.between(started, Instant.now()).toMillis();
        switch (o.kind()) {
            case ROTATED ->
                LOG.info(
                        "rotated {} ({}){} in {} ms, {} Vault call(s)",
                        path,
                        o.strategy(),
                        o.newVersion() == null ? "" : ": version " + o.oldVersion() + " -> " + o.newVersion(),
                        ms,
                        o.calls().size());
            case FAILED -> LOG.warn("rotation of {} ({}) failed after {} ms: {}", path, o.strategy(), ms, o.error());
            case ROTATED_INCOMPLETE ->
                LOG.warn("rotation of {} ({}) incomplete after {} ms: {}", path, o.strategy(), ms, o.error());
            default -> LOG.info("{} not rotated: {} ({} ms)", path, o.kind(), ms);
        }
        return o;
    }
}
