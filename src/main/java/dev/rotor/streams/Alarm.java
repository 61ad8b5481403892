package dev.rotor.streams;

/**
 * Conditions a person must hear about, because rotor cannot settle them alone. While one is raised,
 * {@code /health/ready} answers 503 naming it and the gauge {@code rotor_alarm{alarm}} is 1.
 */
public enum Alarm {
    /** Avro input waits because the schema registry cannot be used (JSON input keeps flowing). */
    SCHEMA_REGISTRY_UNAVAILABLE,
    /** A stream thread was replaced again and again for the same record: its partition is not advancing. */
    RECORD_STUCK,
    /** Vault refuses rotor's token or credentials: every rotation would fail. */
    VAULT_AUTH
}
