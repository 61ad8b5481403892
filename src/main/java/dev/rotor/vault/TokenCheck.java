package dev.rotor.vault;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What {@code auth/token/lookup-self} said about rotor's Vault token. Never holds the token, its accessor or any other
 * field of the lookup beyond these.
 *
 * @param state the verdict
 * @param status the HTTP status of the lookup (or of the AppRole login that preceded it); 0 when no answer came
 * @param ttl time left as Vault reported it; {@link Duration#ZERO} for a token that never expires (root) or when
 *     unknown (not {@link State#VALID})
 * @param renewable whether Vault will renew it ({@code renew-self})
 * @param expireTime when it expires, if it does and Vault said so
 * @param detail value-free one-line explanation for a state other than VALID ({@code ""} when VALID)
 */
public record TokenCheck(
        State state, int status, Duration ttl, boolean renewable, Optional<Instant> expireTime, String detail) {
    /** The verdicts. Only {@link #INVALID} is the operator's configuration; the others are outages. */
    public enum State {
        /** Vault accepted the token. */
        VALID,
        /** Vault refused it (403 on lookup-self, or a rejected AppRole login): expired, revoked or wrong. */
        INVALID,
        /** No usable answer: no connection, timeout, 5xx, sealed, rate limited. */
        UNREACHABLE,
        /** Any other answer rotor cannot use (a redirect, an unexpected status or body). */
        ERROR
    }

    static TokenCheck valid(final Duration ttl, final boolean renewable, final Optional<Instant> expireTime) {
        return new TokenCheck(State.VALID, 200, ttl, renewable, expireTime, "");
    }

    static TokenCheck failed(final State state, final int status, final String detail) {
        return new TokenCheck(state, status, Duration.ZERO, false, Optional.empty(), detail);
    }

    /** The one-line problem for {@link VaultAuthHealth}; empty when VALID. */
    public Optional<String> problem() {
        return switch (state) {
            case VALID -> Optional.empty();
            case INVALID -> Optional.of(detail);
            case UNREACHABLE -> Optional.of("Vault unreachable: " + detail);
            case ERROR -> Optional.of("Vault token check failed: " + detail);
        };
    }
}
