/**
 * The dev Vault: an in-process HTTP server that answers the parts of HashiCorp Vault's HTTP API rotor uses (KV v2,
 * database, transit, AWS root rotation, leases, tokens, userpass and AppRole logins, sys/health and sys/mounts), with
 * Vault's status codes, error texts and response envelope as recorded in {@code shared/vault-contract}.
 *
 * <p>{@link dev.rotor.devvault.DevVault} is the only entry point: it starts the server, seeds and inspects state, and
 * offers the fault switches tests need (seal, delays, injected failures, dropped connections). Everything else in this
 * package is its implementation: {@code VaultHandler} routes a request through seal, auth and ACL checks to one engine
 * per mount ({@code Kv2Engine}, {@code DatabaseEngine}, {@code TransitEngine}, {@code AwsEngine}, {@code TokenStore},
 * {@code UserpassAuth}, {@code AppRoleAuth}, {@code SysEndpoints} with {@code LeaseEngine}).
 *
 * <p>State lives in memory only. Secret values the dev Vault generates come from {@link java.security.SecureRandom} and
 * never appear in logs or exception messages.
 */
package dev.rotor.devvault;
