package dev.rotor.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.config.ConfigException;
import dev.rotor.config.SecretPathPolicy;
import dev.rotor.config.VaultAddress;
import dev.rotor.vault.RotationOutcome.VaultCall;
import io.github.jopenlibs.vault.EnvironmentLoader;
import io.github.jopenlibs.vault.SslConfig;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.rest.RestResponse;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How rotor reaches Vault: the checked address, the namespace, the CA, the timeouts (whole seconds, as the driver takes
 * them) and one HTTP client that never follows a redirect; {@link #driver} binds vault-java-driver to a token on top of
 * them, with the driver's retries off and its environment lookups disabled.
 */
final class VaultTransport {
    private static final Logger LOG = LoggerFactory.getLogger(VaultTransport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String address;
    private final Optional<String> namespace;
    private final int openTimeoutSeconds;
    private final int readTimeoutSeconds;
    private final HttpClient http;
    private final SslConfig sslConfig;

    VaultTransport(
            final String address,
            final Optional<String> namespace,
            final Optional<Path> caCert,
            final Duration openTimeout,
            final Duration readTimeout) {
        this.address = VaultAddress.checked(address);
        this.namespace = namespace.filter(s -> !s.isBlank());
        this.openTimeoutSeconds = wholeSeconds(openTimeout);
        this.readTimeoutSeconds = wholeSeconds(readTimeout);
        this.sslConfig = caCert.map(VaultTransport::sslFromPem).orElse(null);
        final HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER) // the driver follows none itself either
                .connectTimeout(Duration.ofSeconds(openTimeoutSeconds));
        if (sslConfig != null && sslConfig.getSslContext() != null) {
            builder.sslContext(sslConfig.getSslContext());
        }
        this.http = builder.build();
    }

    int openTimeoutSeconds() {
        return openTimeoutSeconds;
    }

    /** The per-response timeout, as the driver applies it (whole seconds). */
    Duration readTimeout() {
        return Duration.ofSeconds(readTimeoutSeconds);
    }

    /** A driver instance bound to one token (or none, for logins). The driver never retries. */
    Vault driver(final String token) {
        try {
            final VaultConfig config = new VaultConfig()
                    .environmentLoader(new NoEnvironment())
                    .address(address)
                    .engineVersion(1)
                    .openTimeout(openTimeoutSeconds)
                    .readTimeout(readTimeoutSeconds)
                    .httpClient(http);
            if (token != null) {
                config.token(token);
            }
            if (namespace.isPresent()) {
                config.nameSpace(namespace.get());
            }
            if (sslConfig != null) {
                config.sslConfig(sslConfig);
            }
            return Vault.create(config.build()).withRetries(0, 0);
        } catch (final VaultException e) {
            throw new ConfigException("VAULT_ADDR", "cannot configure the Vault client");
        }
    }

    /** The driver's write() serialises only scalars; every value is handed over as the driver's own JSON value. */
    static Map<String, Object> toDriverMap(final ObjectNode body) {
        final Map<String, Object> map = new LinkedHashMap<>();
        body.properties().forEach(e -> {
            try {
                map.put(e.getKey(), Json.parse(JSON.writeValueAsString(e.getValue())));
            } catch (final JsonProcessingException ex) {
                throw new IllegalStateException("cannot serialise field " + e.getKey());
            }
        });
        return map;
    }

    private static int wholeSeconds(final Duration d) {
        final long ms = d == null ? 1000 : d.toMillis();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (ms + 999) / 1000));
    }

    private static SslConfig sslFromPem(final Path caCert) {
        if (!Files.isReadable(caCert)) {
            throw new ConfigException("VAULT_CACERT", "cannot read the CA certificate " + caCert);
        }
        try {
            final SslConfig ssl =
                    new SslConfig().verify(true).pemFile(caCert.toFile()).build();
            final SSLContext ctx = ssl.getSslContext();
            if (ctx == null) {
                throw new ConfigException("VAULT_CACERT", "no certificate found in " + caCert);
            }
            return ssl;
        } catch (final VaultException e) {
            throw new ConfigException("VAULT_CACERT", "not a usable PEM CA certificate: " + caCert);
        }
    }

    /** Keeps the driver from reading VAULT_TOKEN, ~/.vault-token or VAULT_SSL_* behind rotor's back. */
    private static final class NoEnvironment extends EnvironmentLoader {
        private static final long serialVersionUID = 1L;

        @Override
        public String loadVariable(final String name) {
            return null;
        }
    }

    /**
     * Refuses, before any request is built, an API path that is not made of rotor's strict character set: such a path
     * would be escaped or rejected by the URL parser (and then retried as if Vault were down), or name something else.
     */
    static void requireSafePath(final String method, final String apiPath) throws VaultCallException {
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

    /** One HTTP exchange through the driver. */
    @FunctionalInterface
    interface Io {
        RestResponse run() throws VaultException;
    }

    /**
     * Runs {@code io} and reports it to {@code calls} as one {@link VaultCall} (method, path, status, duration; never a
     * body). An interrupted exchange sets the thread's flag again and throws INTERRUPTED; every other outcome, an
     * exception of the driver's included, is an answer.
     */
    VaultAnswer send(final String method, final String apiPath, final Consumer<VaultCall> calls, final Io io)
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
}
