package dev.rotor.local;

import dev.rotor.devvault.DevVault;
import java.util.List;
import java.util.Map;

/**
 * What {@code rotor local} puts in its dev Vault: KV v2 secrets under {@code secret/} for the original implementation's
 * examples, a database static role, a transit key and a prefix of database leases.
 */
public final class LocalSeed {
    /** The KV v2 secrets (path under the {@code secret/} mount → fields). Values are placeholders, rotated at once. */
    public static final Map<String, Map<String, Object>> KV = Map.ofEntries(
            Map.entry("prod/api-key", Map.of("value", "placeholder-api-key")),
            Map.entry("prod/db-password", Map.of("username", "app", "password", "placeholder-db")),
            Map.entry("prod/admin", Map.of("username", "admin", "password", "placeholder-admin")),
            Map.entry("prod/payments/db", Map.of("username", "payments", "password", "placeholder-payments")),
            Map.entry("prod/aws-keys", Map.of("access_key_id", "AKIDEXAMPLE", "secret_access_key", "placeholder-aws")),
            Map.entry("prod/stripe-key", Map.of("api_key", "placeholder-stripe")),
            Map.entry("prod/slack-token", Map.of("token", "placeholder-slack")),
            Map.entry("prod/login-service", Map.of("username", "login", "password", "placeholder-login")),
            Map.entry("prod/manual", Map.of("value", "placeholder-manual")));

    private LocalSeed() {}

    public static void seed(final DevVault vault) {
        KV.forEach((path, data) -> vault.kvPut("secret", path, data));
        vault.addDatabaseConnection("app-db");
        vault.addDatabaseStaticRole("app-readonly", "readonly");
        vault.addTransitKey("payments");
        for (final String lease : List.of("database/creds/readonly/a1", "database/creds/readonly/b2")) {
            vault.addLease(lease);
        }
    }
}
