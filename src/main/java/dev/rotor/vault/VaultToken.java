package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.config.ConfigException;
import dev.rotor.vault.RotationOutcome.VaultCall;
import dev.rotor.vault.VaultClient.AppRoleCredentials;
import dev.rotor.vault.VaultClient.Credentials;
import dev.rotor.vault.VaultClient.TokenCredentials;
import io.github.jopenlibs.vault.Vault;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rotor's Vault token over its life: the fixed token or the AppRole login, renewal at two thirds of the TTL, a new
 * login when an AppRole token cannot be renewed or is reported invalid, the lookup-self checks, and the health all of
 * that reports ({@link #health()}). Thread-safe: one session at a time, replaced under a lock; the token itself lives
 * only in the driver instance bound to it.
 */
final class VaultToken {
    private static final Logger LOG = LoggerFactory.getLogger(VaultToken.class);
    /**
     * An AppRole token is renewed only if it has at least this much life left; otherwise rotor logs in again. A fixed
     * token cannot be replaced, so its renewal is attempted as long as it has not expired.
     */
    private static final long RENEW_MARGIN_NANOS = Duration.ofSeconds(5).toNanos();
    /** After a renewal failed for want of an answer, how soon to try again (at most). */
    private static final long RENEW_RETRY_NANOS = Duration.ofSeconds(5).toNanos();

    private static final String LOOKUP_SELF = "auth/token/lookup-self";
    private static final String RENEW_SELF = "auth/token/renew-self";
    private static final String APPROLE_REJECTED = "Vault AppRole login rejected";

    /**
     * The driver bound to one token, and when that token needs attention.
     *
     * @param expires whether it must be renewed or replaced at {@code renewAtNanos} (false: used as is)
     * @param knowsExpiry whether {@code expiresAtNanos} is known (set for a fixed token that cannot be renewed, so its
     *     expiry can be noticed)
     */
    record Session(
            Vault vault,
            boolean expires,
            long renewAtNanos,
            long expiresAtNanos,
            boolean renewable,
            boolean knowsExpiry) {
        static Session untimed(final Vault vault) {
            return new Session(vault, false, 0, 0, false, false);
        }

        boolean fresh(final long now) {
            return !expires || now - renewAtNanos < 0;
        }

        boolean worthRenewing(final long now, final boolean replaceable) {
            return renewable && expiresAtNanos - now > (replaceable ? RENEW_MARGIN_NANOS : 0);
        }

        Session retryRenewalSoon(final long now) {
            final long left = expiresAtNanos - now;
            return new Session(
                    vault,
                    true,
                    now + Math.max(0, Math.min(RENEW_RETRY_NANOS, left / 2)),
                    expiresAtNanos,
                    renewable,
                    knowsExpiry);
        }

        Session withoutRenewal() {
            return new Session(vault, false, 0, expiresAtNanos, false, knowsExpiry || expires);
        }

        @Override
        public String toString() {
            return "Session[expires=" + expires + "]";
        }
    }

    private final VaultTransport transport;
    private final Credentials credentials;
    private final Object authLock = new Object();
    private final VaultAuthHealth authHealth = new VaultAuthHealth();
    private volatile Session session;
    /** {@link System#nanoTime()} of the last check, renewal or login that Vault accepted; 0 = none yet. */
    private volatile long lastVerifiedNanos;

    VaultToken(final VaultTransport transport, final Credentials credentials) {
        this.transport = transport;
        this.credentials = credentials;
        if (credentials instanceof TokenCredentials t) {
            this.session = Session.untimed(transport.driver(t.token().reveal()));
        }
    }

    /** Whether rotor's credentials work, as the last check, renewal, login or call showed. */
    VaultAuthHealth health() {
        return authHealth;
    }

    /** Whether a rejected token can be replaced by logging in again (AppRole), rather than only reported. */
    boolean replaceable() {
        return credentials instanceof AppRoleCredentials;
    }

    /**
     * Asks Vault about rotor's token ({@code GET auth/token/lookup-self}; with AppRole, after logging in if needed) and
     * updates {@link #health()}. For a fixed token the answer also sets when it is renewed (two thirds of its TTL, if
     * renewable) and when its expiry is checked. Never throws for what Vault answers; the token is never part of the
     * result.
     */
    TokenCheck checkToken() {
        final Consumer<VaultCall> none = call -> {};
        TokenCheck check;
        try {
            final Session s = session(none);
            final long t0 = System.nanoTime();
            final VaultAnswer raw = transport.send(
                    "GET",
                    LOOKUP_SELF,
                    none,
                    () -> s.vault().auth().lookupSelf().getRestResponse());
            if (raw.status() == 200 && raw.body().path("data").isObject()) {
                final JsonNode data = raw.body().path("data");
                final long ttl = Math.max(0, data.path("ttl").asLong(0));
                final Optional<Instant> expires =
                        instant(data.path("expire_time").asText(""));
                final boolean renewable = data.path("renewable").asBoolean(false);
                check = TokenCheck.valid(Duration.ofSeconds(ttl), renewable, expires);
                if (credentials instanceof TokenCredentials) {
                    adoptFixedTokenTiming(s, t0, ttl, expires.isPresent(), renewable);
                }
                lastVerifiedNanos = System.nanoTime();
            } else if (raw.status() == 403) {
                check = TokenCheck.failed(
                        TokenCheck.State.INVALID,
                        403,
                        "Vault token invalid (lookup-self: 403"
                                + (raw.mentions("invalid token") ? " invalid token" : " permission denied")
                                + ")");
            } else {
                final VaultCallException e = raw.status() == 200
                        ? new VaultCallException(
                                VaultCallException.Kind.OTHER_CLIENT_ERROR,
                                200,
                                "GET",
                                LOOKUP_SELF,
                                List.of(),
                                "unexpected answer from " + LOOKUP_SELF + " (no data)")
                        : raw.failure("GET", LOOKUP_SELF, false, transport);
                check = TokenCheck.failed(
                        e.isTransient() ? TokenCheck.State.UNREACHABLE : TokenCheck.State.ERROR,
                        raw.status(),
                        e.getMessage());
            }
        } catch (final VaultCallException e) {
            // only an AppRole login (or an interrupt) gets here
            check = switch (e.kind()) {
                case TRANSIENT, INTERRUPTED ->
                    TokenCheck.failed(TokenCheck.State.UNREACHABLE, e.status(), e.getMessage());
                case PERMISSION_DENIED, OTHER_CLIENT_ERROR, NOT_FOUND ->
                    TokenCheck.failed(
                            TokenCheck.State.INVALID, e.status(), APPROLE_REJECTED + " (" + e.getMessage() + ")");
                default -> TokenCheck.failed(TokenCheck.State.ERROR, e.status(), e.getMessage());
            };
        }
        authHealth.update(check);
        return check;
    }

    /**
     * {@link #checkToken()} for start-up: a token Vault refuses is the operator's configuration, so it stops rotor
     * (exit code 2) with one line naming the variable; an unreachable Vault is an outage, so rotor starts and reports
     * it through {@link #health()} (the returned check says which).
     *
     * @throws ConfigException {@code VAULT_TOKEN: ...} (or {@code VAULT_SECRET_ID: ...} for AppRole) when Vault refuses
     *     the credentials
     */
    TokenCheck verifyAtStartup() {
        final TokenCheck check = checkToken();
        if (check.state() == TokenCheck.State.INVALID) {
            if (credentials instanceof AppRoleCredentials a) {
                if (check.detail().startsWith(APPROLE_REJECTED)) {
                    throw new ConfigException(
                            "VAULT_SECRET_ID",
                            "Vault refused the AppRole login at auth/" + a.mount() + "/login (" + check.status()
                                    + "); check VAULT_ROLE_ID and VAULT_SECRET_ID");
                }
                throw new ConfigException(
                        "VAULT_ROLE_ID",
                        "Vault refuses the token of the AppRole login (" + LOOKUP_SELF + " answered " + check.status()
                                + "); give the role the default policy");
            }
            throw new ConfigException(
                    "VAULT_TOKEN",
                    "Vault refuses this token (" + LOOKUP_SELF + " answered " + check.status()
                            + "): it is expired, revoked or unknown, or lacks the default policy");
        }
        if (check.state() != TokenCheck.State.VALID) {
            LOG.warn(
                    "Vault token not checked at start-up: {}; rotor starts and keeps checking",
                    check.problem().orElse(""));
        } else {
            LOG.info(
                    "Vault token valid{}",
                    check.ttl().isZero()
                            ? " (no expiry)"
                            : " for " + check.ttl().toSeconds() + "s"
                                    + (check.renewable() ? ", renewable" : ", not renewable"));
        }
        return check;
    }

    /**
     * One round of background token care ({@link VaultTokenRenewer}): renews a token that is due, otherwise asks
     * lookup-self when the last verification is older than {@code checkEvery}, when a problem is being reported, or
     * when a token that cannot be renewed should have expired. Returns how long to wait before the next round.
     */
    Duration maintainToken(final Duration checkEvery, final Duration retryEvery) {
        final long now = System.nanoTime();
        final Session s = session;
        if (s != null && s.expires() && !s.fresh(now)) {
            try {
                session(call -> {});
            } catch (final VaultCallException e) {
                LOG.debug("Vault token maintenance: {}", e.getMessage());
            }
        } else if (s == null
                || !authHealth.healthy()
                || lastVerifiedNanos == 0
                || now - lastVerifiedNanos >= checkEvery.toNanos()
                || (s.knowsExpiry() && !s.expires() && now - s.expiresAtNanos() >= 0)) {
            checkToken();
        }
        return nextMaintenance(checkEvery, retryEvery);
    }

    private Duration nextMaintenance(final Duration checkEvery, final Duration retryEvery) {
        if (!authHealth.healthy()) {
            return retryEvery;
        }
        final long now = System.nanoTime();
        long wait = lastVerifiedNanos == 0 ? 0 : lastVerifiedNanos + checkEvery.toNanos() - now;
        final Session s = session;
        if (s != null && s.expires()) {
            wait = Math.min(wait, s.renewAtNanos() - now);
        } else if (s != null && s.knowsExpiry()) {
            // a token that cannot be renewed: look again just after it expires, so health says so at once
            wait = Math.min(
                    wait, s.expiresAtNanos() - now + Duration.ofSeconds(1).toNanos());
        }
        final long floor = Duration.ofMillis(100).toNanos();
        return Duration.ofNanos(Math.max(floor, Math.min(wait, checkEvery.toNanos())));
    }

    /** A fixed token: renew at two thirds of its TTL if renewable; otherwise just remember when it expires. */
    // identity, not equals: only the very session this caller saw may be replaced (an equal one may be newer)
    @SuppressWarnings("ReferenceEquality")
    private void adoptFixedTokenTiming(
            final Session s, final long t0, final long ttlSeconds, final boolean expires, final boolean renewable) {
        synchronized (authLock) {
            if (session != s) {
                return;
            }
            if (!expires) {
                session = Session.untimed(s.vault());
                return;
            }
            // a TTL of 0 with an expire_time: it expires within the second
            final long ttlNanos = Duration.ofSeconds(ttlSeconds).toNanos();
            session = renewable && ttlSeconds > 0
                    ? new Session(s.vault(), true, t0 + ttlNanos * 2 / 3, t0 + ttlNanos, true, true)
                    : new Session(s.vault(), false, 0, t0 + ttlNanos, false, true);
        }
    }

    /** The session to call Vault with: logged in, renewed or replaced first when due. */
    Session session(final Consumer<VaultCall> calls) throws VaultCallException {
        final Session s = session;
        if (s != null && s.fresh(System.nanoTime())) {
            return s;
        }
        synchronized (authLock) {
            final Session again = session;
            final long now = System.nanoTime();
            if (again != null && again.fresh(now)) {
                return again;
            }
            if (credentials instanceof TokenCredentials) {
                session = renewFixedToken(again, calls, now);
                return session;
            }
            if (again != null && again.worthRenewing(now, true)) {
                try {
                    session = renew(again, calls);
                    return session;
                } catch (final VaultCallException e) {
                    if (e.kind() == VaultCallException.Kind.INTERRUPTED) {
                        throw e;
                    }
                    LOG.warn("Vault token renewal failed ({}); logging in again with AppRole", e.getMessage());
                }
            }
            try {
                session = login(calls);
            } catch (final VaultCallException e) {
                if (e.kind() != VaultCallException.Kind.INTERRUPTED) {
                    authHealth.problem(
                            e.isTransient()
                                    ? "Vault unreachable: " + e.getMessage()
                                    : APPROLE_REJECTED + " (" + e.getMessage() + ")");
                }
                throw e;
            }
            return session;
        }
    }

    /**
     * A fixed token cannot be replaced: renew it while it lives, and whatever happens return a session to use (an
     * expired token is answered 403 and reported then). No answer: retry soon. Refused (403): report it. Not renewable
     * after all (400): stop trying.
     */
    private Session renewFixedToken(final Session current, final Consumer<VaultCall> calls, final long now)
            throws VaultCallException {
        if (!current.worthRenewing(now, false)) {
            return current.withoutRenewal();
        }
        try {
            return renew(current, calls);
        } catch (final VaultCallException e) {
            if (e.kind() == VaultCallException.Kind.INTERRUPTED) {
                throw e;
            }
            if (e.isTransient()) {
                LOG.warn("Vault token renewal failed ({}); trying again shortly", e.getMessage());
                authHealth.problem("Vault unreachable: " + e.getMessage());
                return current.retryRenewalSoon(now);
            }
            if (e.kind() == VaultCallException.Kind.PERMISSION_DENIED) {
                authHealth.problem("Vault token invalid (renew-self: 403)");
            } else {
                LOG.warn("Vault token renewal refused ({}); the token is used until it expires", e.getMessage());
            }
            return current.withoutRenewal();
        }
    }

    // identity, not equals: only the very session this caller saw may be replaced (an equal one may be newer)
    @SuppressWarnings("ReferenceEquality")
    void invalidate(final Session failed) {
        synchronized (authLock) {
            if (session == failed) {
                session = null;
            }
        }
    }

    private Session login(final Consumer<VaultCall> calls) throws VaultCallException {
        final AppRoleCredentials a = (AppRoleCredentials) credentials;
        final String path = "auth/" + a.mount() + "/login";
        VaultTransport.requireSafePath("POST", path);
        final Vault unauthenticated = transport.driver(null);
        final long t0 = System.nanoTime();
        final VaultAnswer raw = transport.send(
                "POST",
                path,
                calls,
                () -> unauthenticated
                        .auth()
                        .loginByAppRole(a.mount(), a.roleId(), a.secretId().reveal())
                        .getRestResponse());
        if (raw.status() != 200) {
            throw raw.failure("POST", path, false, transport);
        }
        final String token = raw.body().path("auth").path("client_token").asText("");
        if (token.isEmpty()) {
            throw new VaultCallException(
                    VaultCallException.Kind.OTHER_CLIENT_ERROR,
                    raw.status(),
                    "POST",
                    path,
                    List.of(),
                    "AppRole login on " + path + " returned no token");
        }
        final Session s = timed(transport.driver(token), raw.body().path("auth"), t0);
        verified();
        LOG.info(
                "AppRole login succeeded; token valid for {}s",
                raw.body().path("auth").path("lease_duration").asLong());
        return s;
    }

    private Session renew(final Session current, final Consumer<VaultCall> calls) throws VaultCallException {
        final long t0 = System.nanoTime();
        final VaultAnswer raw = transport.send(
                "POST",
                RENEW_SELF,
                calls,
                () -> current.vault().auth().renewSelf().getRestResponse());
        if (raw.status() != 200) {
            throw raw.failure("POST", RENEW_SELF, false, transport);
        }
        verified();
        LOG.debug(
                "Vault token renewed for {}s",
                raw.body().path("auth").path("lease_duration").asLong());
        return timed(current.vault(), raw.body().path("auth"), t0);
    }

    private void verified() {
        lastVerifiedNanos = System.nanoTime();
        authHealth.ok();
    }

    /** Renew once two thirds of the TTL have passed; a TTL of 0 never expires. */
    private static Session timed(final Vault vault, final JsonNode auth, final long t0) {
        final long ttlNanos = Duration.ofSeconds(
                        Math.max(0, auth.path("lease_duration").asLong(0)))
                .toNanos();
        final boolean renewable = auth.path("renewable").asBoolean(false);
        return new Session(vault, ttlNanos > 0, t0 + ttlNanos * 2 / 3, t0 + ttlNanos, renewable, ttlNanos > 0);
    }

    /**
     * Whether a 403 came from a dead token rather than a missing capability: current Vault says "invalid token"; older
     * Vault and OpenBao only say "permission denied", so rotor asks {@code auth/token/lookup-self} (a token without the
     * default policy is refused there too, and counts as unusable). A dead token is reported to {@link #health()}.
     */
    /** Whether a 403 on {@code apiPath} means the token itself is no longer valid (asks lookup-self if unsure). */
    boolean tokenInvalid(final Session s, final VaultAnswer raw, final String apiPath, final Consumer<VaultCall> calls)
            throws VaultCallException {
        if (raw.mentions("invalid token")) {
            authHealth.problem("Vault token invalid (" + apiPath + ": 403 invalid token)");
            return true;
        }
        if (LOOKUP_SELF.equals(apiPath)) {
            authHealth.problem("Vault token invalid (lookup-self: 403)");
            return true;
        }
        final VaultAnswer lookup = transport.send(
                "GET", LOOKUP_SELF, calls, () -> s.vault().auth().lookupSelf().getRestResponse());
        if (lookup.status() == 403) {
            authHealth.problem("Vault token invalid (lookup-self: 403)");
            return true;
        }
        return false;
    }

    private static Optional<Instant> instant(final String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(text).toInstant());
        } catch (final DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
