package dev.rotor.vault;

/**
 * The port through which the executor rotates a secret. Implementations block (they call Vault, retry with backoff
 * until the request's deadline) and are called from worker threads, never from a stream thread. They never throw for
 * anything Vault answers: every outcome, including failure, is a {@link RotationOutcome}. They honour thread
 * interruption between attempts (the executor interrupts in-flight work when its task is closed or migrated).
 */
public interface SecretRotator {
    RotationOutcome rotate(RotationRequest request);
}
