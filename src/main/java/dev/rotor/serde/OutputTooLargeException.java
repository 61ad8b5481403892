package dev.rotor.serde;

import org.apache.kafka.common.errors.SerializationException;

/** An output value larger than rotor allows for one record; raised before the producer sees it. */
public final class OutputTooLargeException extends SerializationException {
    private static final long serialVersionUID = 1L;

    public OutputTooLargeException(final String topic, final int bytes, final int limit) {
        super("the output for " + topic + " would be " + bytes + " bytes, more than the limit of " + limit);
    }
}
