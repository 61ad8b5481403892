package dev.rotor.vault;

import java.util.List;

/**
 * A Vault call that did not succeed, classified so the caller knows whether retrying can help. The message is always
 * value-free: it names the API path and the kind of failure ({@code permission denied on secret/data/prod/db}) and
 * never contains a request or response body, a secret value or a token.
 */
public final class VaultCallException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the call failed; decides whether it is retried. */
    public enum Kind {
        /** 5xx, 412, 429, no response (timeout, connection refused): may succeed later. */
        TRANSIENT,
        /** 400 "check-and-set parameter did not match the current version": re-read, then retry once. */
        CAS_MISMATCH,
        /** 404. */
        NOT_FOUND,
        /** 403 (missing capability, or an invalid token that could not be replaced). */
        PERMISSION_DENIED,
        /** Any other 4xx, or an answer rotor cannot use. */
        OTHER_CLIENT_ERROR,
        /**
         * A 3xx: rotor never follows redirects (a followed 301/302 turns a write into a GET, and the token would go to
         * whatever host the redirect names). Not transient: VAULT_ADDR must name the active node or the load balancer.
         */
        REDIRECT,
        /** The API path has a character outside rotor's strict set; nothing was sent. Not transient. */
        INVALID_PATH,
        /** The calling thread was interrupted while waiting for Vault. */
        INTERRUPTED
    }

    private final Kind kind;
    private final int status;
    private final String method;
    private final String apiPath;
    private final List<String> vaultErrors;

    VaultCallException(
            final Kind kind,
            final int status,
            final String method,
            final String apiPath,
            final List<String> vaultErrors,
            final String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.method = method;
        this.apiPath = apiPath;
        this.vaultErrors = List.copyOf(vaultErrors);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, 0 when no response came. */
    public int status() {
        return status;
    }

    public String method() {
        return method;
    }

    public String apiPath() {
        return apiPath;
    }

    /**
     * Vault's {@code errors} array, for classification only. Vault's error texts do not carry secret values, but they
     * are not part of the message for calls whose request carried one; prefer {@link #getMessage()} for output.
     */
    List<String> vaultErrors() {
        return vaultErrors;
    }

    /** Whether retrying the same call later may succeed. */
    public boolean isTransient() {
        return kind == Kind.TRANSIENT;
    }
}
