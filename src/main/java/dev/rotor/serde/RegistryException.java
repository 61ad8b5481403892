package dev.rotor.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A Schema Registry refused or could not answer a request. Carries the HTTP status and Confluent's numeric
 * {@code error_code} (for example 40401 subject not found, 40403 schema not found, 409 incompatible, 42201 invalid
 * schema) so callers can branch on them. Messages name the subject or id and the registry's own message, never
 * credentials or record content.
 *
 * <p>It extends Kafka's {@link SerializationException} so a serializer's registry failure surfaces to Kafka the same
 * way a local encoding failure does. Transient failures use the subclass {@link RegistryUnavailableException}.
 */
public class RegistryException extends SerializationException {
    private static final long serialVersionUID = 1L;

    /** Status used when there was no HTTP answer to take it from. */
    public static final int NO_STATUS = -1;

    private final int status;
    private final int errorCode;

    public RegistryException(final String message, final int status, final int errorCode) {
        super(message);
        this.status = status;
        this.errorCode = errorCode;
    }

    public RegistryException(final String message, final int status, final int errorCode, final Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the registry's answer, or {@link #NO_STATUS}. */
    public int status() {
        return status;
    }

    /** Confluent's {@code error_code} from the answer's body, or {@link #NO_STATUS} when it had none. */
    public int errorCode() {
        return errorCode;
    }
}
