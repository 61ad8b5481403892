package dev.rotor.vault;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.config.ConfigException;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.config.SecretValue;
import dev.rotor.vault.RotationOutcome.VaultCall;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultException;
import java.nio.file.Path;
import java.time.Duration;
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

    private final VaultTransport transport;
    private final VaultToken token;

    public VaultClient(final Settings settings) {
        this.transport = new VaultTransport(
                settings.address(),
                settings.namespace(),
                settings.caCert(),
                settings.openTimeout(),
                settings.readTimeout());
        this.token = new VaultToken(transport, Objects.requireNonNull(settings.credentials(), "credentials"));
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
        return token.health();
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
        VaultTransport.requireSafePath(method, apiPath);
        final String shown = query.isEmpty() ? apiPath : apiPath + "?" + query;
        boolean reauthenticated = false;
        while (true) {
            final VaultToken.Session s = token.session(calls);
            final VaultAnswer raw =
                    transport.send(method, shown, calls, () -> op.run(s.vault()).getRestResponse());
            if ((raw.status() >= 200 && raw.status() < 300) || raw.status() == 404 || raw.status() == 400) {
                token.health().ok(); // Vault answered and accepted the token
            }
            if (raw.status() >= 200 && raw.status() < 300) {
                return raw.response(apiPath);
            }
            if (raw.status() == 404 && allowNotFound) {
                return raw.response(apiPath);
            }
            if (raw.status() == 403 && token.tokenInvalid(s, raw, apiPath, calls)) {
                if (token.replaceable() && !reauthenticated) {
                    LOG.info("Vault token no longer valid; logging in again with AppRole");
                    token.invalidate(s);
                    reauthenticated = true;
                    continue;
                }
            }
            throw raw.failure(method, apiPath, sensitive, transport);
        }
    }

    // ------------------------------------------------------------------------------------------------- the token

    /**
     * Asks Vault about rotor's token ({@code GET auth/token/lookup-self}; with AppRole, after logging in if needed) and
     * updates {@link #authHealth()}; see {@link VaultToken}. Never throws for what Vault answers.
     */
    public TokenCheck checkToken() {
        return token.checkToken();
    }

    /**
     * {@link #checkToken()} for start-up: a token Vault refuses stops rotor with one line naming the variable; an
     * unreachable Vault is an outage, reported through {@link #authHealth()}.
     *
     * @throws ConfigException when Vault refuses the credentials
     */
    public TokenCheck verifyAtStartup() {
        return token.verifyAtStartup();
    }

    /** One round of background token care ({@link VaultTokenRenewer}); returns how long to wait for the next. */
    Duration maintainToken(final Duration checkEvery, final Duration retryEvery) {
        return token.maintainToken(checkEvery, retryEvery);
    }
}
