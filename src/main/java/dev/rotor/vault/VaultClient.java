package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.config.ConfigException;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.config.SecretValue;
import dev.rotor.vault.RotationOutcome.VaultCall;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.rest.RestResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only code in rotor that talks HTTP to Vault, through vault-java-driver 6.2.1 configured so that its traps do not
 * bite: engine version 1 (rotor addresses KV v2's {@code data/} and {@code metadata/} paths itself), driver retries off
 * (it would re-send POSTs; rotor retries, knowing which calls are safe), and every status checked here (the driver
 * returns most 4xx as normal responses and throws for others with the body in the message — that message is never
 * logged or propagated).
 *
 * <p>Every call either returns a {@link VaultResponse} (2xx) or throws a {@link VaultCallException} with a
 * classification and a value-free message. Each HTTP exchange, including logins, is reported to the caller's listener
 * as a {@link VaultCall} (method, path, status, duration; never a body).
 *
 * <p>Before any request is built, the API path is checked against {@link SecretPathPolicy#characterProblem}: a path
 * with a character a URL would have to escape fails at once ({@link VaultCallException.Kind#INVALID_PATH}, not
 * transient, no HTTP exchange). Redirects are never followed: a 3xx answer is a
 * {@link VaultCallException.Kind#REDIRECT} error (following one would turn a write into a GET and send the token to
 * whatever host the redirect names).
 *
 * <p>Authentication: a fixed token ({@code VAULT_TOKEN}), or an AppRole login. {@link #checkToken()} asks
 * {@code auth/token/lookup-self} (at start-up: {@link #verifyAtStartup()}); a fixed token that is renewable and has a
 * TTL, and every AppRole token, is renewed ({@code renew-self}) once two thirds of its TTL have passed — on the next
 * call, or by a {@link VaultTokenRenewer} when rotor is idle. An AppRole token is replaced by a new login when renewal
 * fails or Vault reports it invalid. The result of every check, renewal and login, and every 403 for an invalid token,
 * updates {@link #authHealth()}. Thread-safe: worker threads share one client; the token lives only in the driver's
 * config, one immutable driver instance per token.
 */
public final class VaultClient {
    private static final Logger LOG = LoggerFactory.getLogger(VaultClient.class);
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

    /** How rotor authenticates to Vault. */
    public sealed interface Credentials permits TokenCredentials, AppRoleCredentials {}

    /** A token used as is ({@code VAULT_TOKEN}); its {@code toString} never shows it. */
    public record TokenCredentials(SecretValue token) implements Credentials {
        public TokenCredentials {
            Objects.requireNonNull(token, "token");
        }
    }

    /** AppRole login at {@code auth/{mount}/login}. */
    public record AppRoleCredentials(String mount, String roleId, SecretValue secretId) implements Credentials {
        public AppRoleCredentials {
            Objects.requireNonNull(mount, "mount");
            Objects.requireNonNull(roleId, "roleId");
            Objects.requireNonNull(secretId, "secretId");
        }

        @Override
        public String toString() {
            return "AppRoleCredentials[mount=" + mount + "]";
        }
    }

    /**
     * Explicit client settings (tests build these directly; the app uses {@link #fromConfig}).
     *
     * @param openTimeout connect timeout, whole seconds (the driver's resolution; rounded up, at least 1 s)
     * @param readTimeout time to wait for one response, whole seconds (rounded up, at least 1 s)
     */
    public record Settings(
            String address,
            Optional<String> namespace,
            Optional<Path> caCert,
            Duration openTimeout,
            Duration readTimeout,
            Credentials credentials) {}

    /** One driver operation on an authenticated driver instance. */
    @FunctionalInterface
    private interface DriverCall {
        io.github.jopenlibs.vault.response.VaultResponse run(Vault vault) throws VaultException;
    }

    /**
     * The driver bound to one token, and when that token needs attention.
     *
     * @param expires whether it must be renewed or replaced at {@code renewAtNanos} (false: used as is)
     * @param knowsExpiry whether {@code expiresAtNanos} is known (set for a fixed token that cannot be renewed, so its
     *     expiry can be noticed)
     */
    private record Session(
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

    public VaultClient(final Settings settings) {
        this.transport = new VaultTransport(
                settings.address(),
                settings.namespace(),
                settings.caCert(),
                settings.openTimeout(),
                settings.readTimeout());
        this.credentials = Objects.requireNonNull(settings.credentials(), "credentials");
        if (credentials instanceof TokenCredentials t) {
            this.session = Session.untimed(transport.driver(t.token().reveal()));
        }
    }

    /** The client for the app: address, namespace, CA, timeouts and credentials from rotor's configuration. */
    public static VaultClient fromConfig(final RotorConfig config) {
        final RotorConfig.VaultSettings v = config.vault();
        final RotorConfig.ExecutorSettings e = config.executor();
        final Credentials credentials;
        if (v.token().isPresent()) {
            credentials = new TokenCredentials(v.token().get());
        } else if (v.roleId().isPresent() && v.secretId().isPresent()) {
            credentials = new AppRoleCredentials(
                    e.appRoleMount(), v.roleId().get(), v.secretId().get());
        } else {
            throw new ConfigException(
                    "VAULT_TOKEN",
                    "no Vault credentials: set VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID for AppRole");
        }
        return new VaultClient(
                new Settings(v.addr(), v.namespace(), v.caCert(), e.connectTimeout(), e.readTimeout(), credentials));
    }

    /** The per-response timeout, as the driver applies it (whole seconds). */
    public Duration readTimeout() {
        return transport.readTimeout();
    }

    /** {@link #read(String, Consumer)} without recording the call. */
    public VaultResponse read(final String apiPath) throws VaultCallException {
        return read(apiPath, call -> {});
    }

    /** {@link #write(String, ObjectNode, Consumer)} without recording the call. */
    public VaultResponse write(final String apiPath, final ObjectNode body) throws VaultCallException {
        return write(apiPath, body, call -> {});
    }

    /** Whether rotor can authenticate to Vault, for readiness and metrics. */
    public VaultAuthHealth authHealth() {
        return authHealth;
    }

    /** {@code GET apiPath}: 2xx, or an exception (404 is {@link VaultCallException.Kind#NOT_FOUND}). */
    public VaultResponse read(final String apiPath, final Consumer<VaultCall> calls) throws VaultCallException {
        return exchange(
                "GET", apiPath, "", false, false, calls, v -> v.logical().read(apiPath));
    }

    /**
     * {@code GET apiPath?version=N} (a KV v2 data path), returning 404 answers too, like {@link #readAllowingNotFound}.
     * The call is recorded with its query.
     */
    public VaultResponse readVersionAllowingNotFound(
            final String apiPath, final long version, final Consumer<VaultCall> calls) throws VaultCallException {
        final String query = "version=" + version;
        return exchange(
                "GET", apiPath, query, false, true, calls, v -> v.logical().read(apiPath + "?" + query));
    }

    /**
     * {@code GET apiPath}, returning 404 answers too ({@link VaultResponse#found()} is false): a KV v2 read of a
     * deleted or destroyed version is a 404 whose body still describes the version.
     */
    public VaultResponse readAllowingNotFound(final String apiPath, final Consumer<VaultCall> calls)
            throws VaultCallException {
        return exchange("GET", apiPath, "", false, true, calls, v -> v.logical().read(apiPath));
    }

    /** {@code POST apiPath} with a JSON body (Vault treats POST and PUT alike). */
    public VaultResponse write(final String apiPath, final ObjectNode body, final Consumer<VaultCall> calls)
            throws VaultCallException {
        return exchange(
                "POST",
                apiPath,
                "",
                false,
                false,
                calls,
                v -> v.logical().write(apiPath, VaultTransport.toDriverMap(body)));
    }

    /**
     * {@code POST apiPath} with a body that carries secret values: like {@link #write}, but a rejection's message
     * leaves out Vault's error text, in case an error ever echoed part of the request.
     */
    public VaultResponse writeSecret(final String apiPath, final ObjectNode body, final Consumer<VaultCall> calls)
            throws VaultCallException {
        return exchange(
                "POST",
                apiPath,
                "",
                true,
                false,
                calls,
                v -> v.logical().write(apiPath, VaultTransport.toDriverMap(body)));
    }

    /** {@code DELETE apiPath}. */
    public VaultResponse delete(final String apiPath, final Consumer<VaultCall> calls) throws VaultCallException {
        return exchange(
                "DELETE", apiPath, "", false, false, calls, v -> v.logical().delete(apiPath));
    }

    /** {@code LIST apiPath} (sent as {@code GET ?list=true}); an empty or missing folder is a 404 response. */
    public VaultResponse list(final String apiPath, final Consumer<VaultCall> calls) throws VaultCallException {
        return exchange(
                "LIST", apiPath, "", false, true, calls, v -> v.logical().list(apiPath));
    }

    // ------------------------------------------------------------------------------------------------ the exchange

    private VaultResponse exchange(
            final String method,
            final String apiPath,
            final String query,
            final boolean sensitive,
            final boolean allowNotFound,
            final Consumer<VaultCall> calls,
            final DriverCall op)
            throws VaultCallException {
        requireSafePath(method, apiPath);
        final String shown = query.isEmpty() ? apiPath : apiPath + "?" + query;
        boolean reauthenticated = false;
        while (true) {
            final Session s = session(calls);
            final VaultAnswer raw =
                    perform(method, shown, calls, () -> op.run(s.vault()).getRestResponse());
            if ((raw.status() >= 200 && raw.status() < 300) || raw.status() == 404 || raw.status() == 400) {
                authHealth.ok(); // Vault answered and accepted the token
            }
            if (raw.status() >= 200 && raw.status() < 300) {
                return raw.response(apiPath);
            }
            if (raw.status() == 404 && allowNotFound) {
                return raw.response(apiPath);
            }
            if (raw.status() == 403 && tokenInvalid(s, raw, apiPath, calls)) {
                if (credentials instanceof AppRoleCredentials && !reauthenticated) {
                    LOG.info("Vault token no longer valid; logging in again with AppRole");
                    invalidate(s);
                    reauthenticated = true;
                    continue;
                }
            }
            throw raw.failure(method, apiPath, sensitive, transport);
        }
    }

    /**
     * Refuses, before any request is built, an API path that is not made of rotor's strict character set: such a path
     * would be escaped or rejected by the URL parser (and then retried as if Vault were down), or name something else.
     */
    private static void requireSafePath(final String method, final String apiPath) throws VaultCallException {
        final String path = apiPath == null ? "" : apiPath;
        final Optional<String> problem = SecretPathPolicy.characterProblem(path);
        if (problem.isPresent()) {
            throw new VaultCallException(
                    VaultCallException.Kind.INVALID_PATH,
                    0,
                    method,
                    SecretPathPolicy.printable(path),
                    List.of(),
                    "refused to call Vault on '" + SecretPathPolicy.printable(path) + "': the path " + problem.get()
                            + "; nothing was sent");
        }
    }

    @FunctionalInterface
    private interface Io {
        RestResponse run() throws VaultException;
    }

    private VaultAnswer perform(final String method, final String apiPath, final Consumer<VaultCall> calls, final Io io)
            throws VaultCallException {
        final long t0 = System.nanoTime();
        VaultAnswer raw;
        try {
            final RestResponse r = io.run();
            raw = VaultAnswer.of(r.getStatus(), r.getBody(), null);
        } catch (final VaultException e) {
            raw = VaultAnswer.from(e);
        } catch (final RuntimeException e) {
            // the driver's JSON handling can throw unchecked exceptions; their messages may quote the body
            raw = VaultAnswer.none(e);
        }
        final long ms = (System.nanoTime() - t0) / 1_000_000;
        record(calls, new VaultCall(method, apiPath, raw.status(), ms));
        if (raw.status() == 0 && raw.causedBy(InterruptedException.class)) {
            Thread.currentThread().interrupt();
            throw new VaultCallException(
                    VaultCallException.Kind.INTERRUPTED,
                    0,
                    method,
                    apiPath,
                    List.of(),
                    "interrupted while calling Vault on " + apiPath);
        }
        return raw;
    }

    private static void record(final Consumer<VaultCall> calls, final VaultCall call) {
        LOG.debug("Vault {} {} -> {} ({} ms)", call.method(), call.path(), call.status(), call.durationMs());
        calls.accept(call);
    }

    // ------------------------------------------------------------------------------------------------- auth

    /**
     * Asks Vault about rotor's token ({@code GET auth/token/lookup-self}; with AppRole, after logging in if needed) and
     * updates {@link #authHealth()}. For a fixed token the answer also sets when it is renewed (two thirds of its TTL,
     * if renewable) and when its expiry is checked. Never throws for what Vault answers; the token is never part of the
     * result.
     */
    public TokenCheck checkToken() {
        final Consumer<VaultCall> none = call -> {};
        TokenCheck check;
        try {
            final Session s = session(none);
            final long t0 = System.nanoTime();
            final VaultAnswer raw = perform(
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
     * it through {@link #authHealth()} (the returned check says which).
     *
     * @throws ConfigException {@code VAULT_TOKEN: ...} (or {@code VAULT_SECRET_ID: ...} for AppRole) when Vault refuses
     *     the credentials
     */
    public TokenCheck verifyAtStartup() {
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

    private Session session(final Consumer<VaultCall> calls) throws VaultCallException {
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
    private void invalidate(final Session failed) {
        synchronized (authLock) {
            if (session == failed) {
                session = null;
            }
        }
    }

    private Session login(final Consumer<VaultCall> calls) throws VaultCallException {
        final AppRoleCredentials a = (AppRoleCredentials) credentials;
        final String path = "auth/" + a.mount() + "/login";
        requireSafePath("POST", path);
        final Vault unauthenticated = transport.driver(null);
        final long t0 = System.nanoTime();
        final VaultAnswer raw = perform(
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
        final VaultAnswer raw = perform(
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
     * default policy is refused there too, and counts as unusable). A dead token is reported to {@link #authHealth()}.
     */
    private boolean tokenInvalid(
            final Session s, final VaultAnswer raw, final String apiPath, final Consumer<VaultCall> calls)
            throws VaultCallException {
        if (raw.mentions("invalid token")) {
            authHealth.problem("Vault token invalid (" + apiPath + ": 403 invalid token)");
            return true;
        }
        if (LOOKUP_SELF.equals(apiPath)) {
            authHealth.problem("Vault token invalid (lookup-self: 403)");
            return true;
        }
        final VaultAnswer lookup = perform(
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
