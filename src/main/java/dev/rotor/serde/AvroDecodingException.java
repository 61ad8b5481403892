package dev.rotor.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes could not be decoded as Confluent-wire-format Avro. The {@link Kind} tells why, so a caller can
 * dead-letter bad data and count it by cause. The message names the kind, the schema id and byte counts only: never
 * field values, and never a cause whose message could echo them (Avro's exceptions can).
 */
public class AvroDecodingException extends SerializationException {
    private static final long serialVersionUID = 1L;

    /** Why decoding failed. */
    public enum Kind {
        /** Zero bytes: not even a header. */
        EMPTY,
        /** The first byte is not Confluent's magic byte 0: the producer did not use the Confluent wire format. */
        BAD_MAGIC_BYTE,
        /** The registry does not know the schema id in the header. */
        UNKNOWN_SCHEMA_ID,
        /** The bytes end before the header or the record is complete. */
        TRUNCATED,
        /** The registry's answer for the schema id is no usable Avro schema (a JSON or Protobuf schema, say). */
        NOT_AVRO_SCHEMA,
        /** The writer schema cannot be resolved to the reader (this build's) schema. */
        INCOMPATIBLE_SCHEMA,
        /** Any other decoding failure, including bytes left over after a complete record. */
        MALFORMED
    }

    /** Schema id used when the header could not be read. */
    public static final int NO_SCHEMA_ID = -1;

    private final Kind kind;
    private final int schemaId;

    public AvroDecodingException(final Kind kind, final int schemaId, final String detail) {
        super(kind + ": " + detail);
        this.kind = kind;
        this.schemaId = schemaId;
    }

    public AvroDecodingException(final Kind kind, final int schemaId, final String detail, final Throwable cause) {
        super(kind + ": " + detail, cause);
        this.kind = kind;
        this.schemaId = schemaId;
    }

    public Kind kind() {
        return kind;
    }

    /** The schema id from the header, or {@link #NO_SCHEMA_ID} when it could not be read. */
    public int schemaId() {
        return schemaId;
    }
}
