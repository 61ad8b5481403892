package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.github.jopenlibs.vault.VaultException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What came back from one Vault exchange: a status (0 = none), the body if the driver let rotor see it, Vault's errors
 * and warnings, and why there was no answer; and what a failed answer means ({@link #failure}). The body may hold
 * secret values or a login's token, so it is never printed: {@link #toString()} shows the status only.
 */
record VaultAnswer(int status, JsonNode body, List<String> errors, List<String> warnings, Throwable failure) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** No answer at all (status 0), for {@code failure}. */
    static VaultAnswer none(final Throwable failure) {
        return new VaultAnswer(0, MissingNode.getInstance(), List.of(), List.of(), failure);
    }

    boolean ok() {
        return status >= 200 && status < 300;
    }

    VaultResponse response(final String apiPath) {
        return new VaultResponse(status, apiPath, body, errors, warnings);
    }

    @Override
    public String toString() {
        return "VaultAnswer[" + status + "]";
    }

    /**
     * The driver throws for statuses it does not pass through (5xx, 412, a 2xx other than the one it expects) with the
     * body in the message, and for no response at all (status 0). The body is recovered only to read Vault's
     * {@code errors} for classification; the message itself goes nowhere.
     */
    static VaultAnswer from(final VaultException e) {
        final int status = e.getHttpStatusCode();
        if (status == 0) {
            return none(e);
        }
        final String msg = e.getMessage() == null ? "" : e.getMessage();
        final int at = msg.indexOf("Response body: ");
        final byte[] body = at < 0
                ? new byte[0]
                : msg.substring(at + "Response body: ".length()).getBytes(StandardCharsets.UTF_8);
        return of(status, body, null);
    }

    static VaultAnswer of(final int status, final byte[] bytes, final Throwable failure) {
        JsonNode body = MissingNode.getInstance();
        if (bytes != null && bytes.length > 0) {
            try {
                final JsonNode parsed = JSON.readTree(bytes);
                body = parsed == null ? MissingNode.getInstance() : parsed;
            } catch (final IOException | RuntimeException ignored) {
                // not JSON (e.g. a proxy's HTML page); the parser's message could quote the body, so it is dropped
            }
        }
        return new VaultAnswer(status, body, strings(body.path("errors")), strings(body.path("warnings")), failure);
    }

    private static List<String> strings(final JsonNode array) {
        final List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(n.asText("")));
        }
        return out;
    }

    /**
     * What a non-2xx answer (or none) means for the caller: transient or not, and a message that names the path, the
     * status and, unless the request was {@code sensitive}, Vault's first error. Never a body, never a token.
     */
    VaultCallException failure(
            final String method, final String apiPath, final boolean sensitive, final VaultTransport transport) {
        final VaultCallException.Kind kind;
        final String message;
        if (status == 0) {
            kind = VaultCallException.Kind.TRANSIENT;
            message = noResponse(transport) + " on " + apiPath;
        } else if (status == 503) {
            kind = VaultCallException.Kind.TRANSIENT;
            message = (mentions("sealed") || errors.isEmpty() ? "Vault is sealed (503)" : "Vault unavailable (503)")
                    + " on " + apiPath;
        } else if (status == 429) {
            kind = VaultCallException.Kind.TRANSIENT;
            message = "Vault is rate limiting or on standby (429) on " + apiPath;
        } else if (status == 412) {
            kind = VaultCallException.Kind.TRANSIENT;
            message = "Vault precondition failed (412, not yet consistent) on " + apiPath;
        } else if (status >= 500) {
            kind = VaultCallException.Kind.TRANSIENT;
            message = "Vault server error (" + status + ") on " + apiPath;
        } else if (status == 400 && mentions("check-and-set parameter did not match")) {
            kind = VaultCallException.Kind.CAS_MISMATCH;
            message = "check-and-set conflict (400) on " + apiPath;
        } else if (status == 403) {
            kind = VaultCallException.Kind.PERMISSION_DENIED;
            message = "permission denied" + (mentions("invalid token") ? " (invalid token)" : "") + " on " + apiPath;
        } else if (status == 404) {
            kind = VaultCallException.Kind.NOT_FOUND;
            message = apiPath + " not found";
        } else if (status >= 300 && status < 400) {
            kind = VaultCallException.Kind.REDIRECT;
            message = "Vault answered " + status + " (a redirect) on " + apiPath + "; redirects are not followed: "
                    + "point VAULT_ADDR at the active node or the load balancer";
        } else if (status >= 400) {
            kind = VaultCallException.Kind.OTHER_CLIENT_ERROR;
            final String detail = sensitive ? "" : firstError(errors);
            message = "Vault rejected the request (" + status + ") on " + apiPath
                    + (detail.isEmpty() ? "" : ": " + detail);
        } else {
            kind = VaultCallException.Kind.OTHER_CLIENT_ERROR;
            message = "unexpected HTTP status " + status + " on " + apiPath;
        }
        return new VaultCallException(kind, status, method, apiPath, errors, message);
    }

    private String noResponse(final VaultTransport transport) {
        if (causedBy(HttpConnectTimeoutException.class)) {
            return "connect timed out after " + transport.openTimeoutSeconds() + "s";
        }
        if (causedBy(HttpTimeoutException.class)) {
            return "timed out after " + transport.readTimeout().toSeconds() + "s";
        }
        if (causedBy(ConnectException.class)) {
            return "cannot connect to Vault";
        }
        Throwable root = failure;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "no response from Vault ("
                + (root == null ? "unknown error" : root.getClass().getSimpleName()) + ")";
    }

    /** Whether the missing answer's cause, or one of its causes, is a {@code type}. */
    boolean causedBy(final Class<? extends Throwable> type) {
        for (Throwable c = failure; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** Whether one of Vault's errors contains {@code text} (lower case). */
    boolean mentions(final String text) {
        return errors.stream().anyMatch(e -> e.toLowerCase(Locale.ROOT).contains(text));
    }

    /** Vault's first error text, one line, without the Go multierror decoration, at most 200 characters. */
    private static String firstError(final List<String> errors) {
        for (final String e : errors) {
            String s = e.replaceAll("\\d+ errors? occurred:", " ")
                    .replace("\t*", " ")
                    .replaceAll("\\s+", " ")
                    .trim();
            if (!s.isEmpty()) {
                return s.length() > 200 ? s.substring(0, 200) + "..." : s;
            }
        }
        return "";
    }
}
