/**
 * Redaction (DESIGN.md §9): the credentials a sender put into an event's free text or metadata are replaced by
 * {@code [REDACTED]} before the text reaches a command, the repartition topic, an audit record, a notification, a DLQ
 * header or a log line. {@link dev.rotor.redaction.Redaction} is the entry point; the pattern list is in
 * {@link dev.rotor.redaction.CredentialShapes} (values by their shape) and {@link dev.rotor.redaction.SecretKeys} with
 * {@link dev.rotor.redaction.SecretPairs} (values by the name of their key). The package depends on nothing else of
 * rotor, so every layer can use it.
 */
package dev.rotor.redaction;
