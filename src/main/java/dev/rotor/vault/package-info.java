/**
 * Rotation in Vault: the only code in rotor that talks to Vault.
 *
 * <p>{@link dev.rotor.vault.VaultRotator} implements the executor's {@link dev.rotor.vault.SecretRotator}: it picks the
 * rotation target for a secret path, runs that target's strategy (kv2, database-static-role, database-root, transit,
 * lease-revoke-prefix, aws-root; DESIGN.md §4) with the retry rule, and returns a
 * {@link dev.rotor.vault.RotationOutcome}. {@link dev.rotor.vault.VaultClient} wraps vault-java-driver (engine version
 * 1, no driver retries, no redirects followed, strict path characters, every status checked) and classifies failures
 * ({@link dev.rotor.vault.VaultCallException}); it checks and renews its token and reports whether it can authenticate
 * ({@link dev.rotor.vault.VaultAuthHealth}, kept current while idle by {@link dev.rotor.vault.VaultTokenRenewer}).
 * {@link dev.rotor.vault.SecretGenerator} makes new values from SecureRandom.
 *
 * <p>No secret value and no token ever reaches a log line, an exception message, a {@code toString} or an outcome.
 */
package dev.rotor.vault;
