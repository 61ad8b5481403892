package dev.rotor.vault;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether rotor can authenticate to Vault right now, for readiness and metrics: one {@link VaultClient}'s view, updated
 * by the start-up check ({@link VaultClient#checkToken()}), by every renewal and AppRole login, by a Vault call
 * answered 403 for an invalid token, and cleared by any later success (a check, a renewal, a login or a call Vault
 * answered). Thread-safe; polling is cheap (one volatile read).
 *
 * <p>A problem is one value-free line: {@code Vault token invalid (lookup-self: 403)}, {@code Vault unreachable: cannot
 * connect to Vault on auth/token/lookup-self}. It never contains the token.
 */
public final class VaultAuthHealth {
    /** The current problem (null when fine) and since when the state holds. */
    private record State(String problem, Instant since) {}

    private final AtomicReference<State> state = new AtomicReference<>(new State(null, Instant.now()));

    /** Empty when authentication works (or has not failed yet); otherwise why not, in one line. */
    public Optional<String> problem() {
        return Optional.ofNullable(state.get().problem());
    }

    public boolean healthy() {
        return state.get().problem() == null;
    }

    /** When the current state (healthy, or this problem) began. */
    public Instant since() {
        return state.get().since();
    }

    void ok() {
        if (state.get().problem() != null) {
            state.updateAndGet(s -> s.problem() == null ? s : new State(null, Instant.now()));
        }
    }

    void problem(final String problem) {
        state.updateAndGet(s -> problem.equals(s.problem()) ? s : new State(problem, Instant.now()));
    }

    void update(final TokenCheck check) {
        check.problem().ifPresentOrElse(this::problem, this::ok);
    }

    @Override
    public String toString() {
        return problem().map(p -> "VaultAuthHealth[" + p + "]").orElse("VaultAuthHealth[ok]");
    }
}
