package dev.rotor.serde;

/**
 * The registry could not be reached or answered with a server-side error (connection refused, timeout, HTTP 5xx, 408,
 * 429). Transient: the data is not at fault, so callers should retry or stop rather than dead-letter the record.
 */
public class RegistryUnavailableException extends RegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(final String message, final int status, final Throwable cause) {
        super(message, status, NO_STATUS, cause);
    }

    public RegistryUnavailableException(final String message, final int status, final int errorCode) {
        super(message, status, errorCode);
    }
}
