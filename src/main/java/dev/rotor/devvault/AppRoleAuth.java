package dev.rotor.devvault;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The AppRole auth method at {@code auth/approle/}: {@code login} with {@code {"role_id","secret_id"}}. Any failure
 * (unknown role id, wrong secret id) answers 400 {@code invalid role or secret ID}, as current Vault does.
 */
final class AppRoleAuth implements Engine {
    private static final class Role {
        final String name;
        final List<String> policies;
        final Set<String> secretIds = new HashSet<>();
        final String entityId = Secrets.uuid();

        Role(String name, List<String> policies) {
            this.name = name;
            this.policies = List.copyOf(policies);
        }
    }

    private final Map<String, Role> byRoleId = new HashMap<>();
    private final TokenStore tokens;

    AppRoleAuth(TokenStore tokens) {
        this.tokens = tokens;
    }

    @Override
    public String type() {
        return "approle";
    }

    /** Adds (or extends) a role: another secret id for an existing role id keeps the earlier ones valid. */
    synchronized void addRole(String roleName, String roleId, String secretId, List<String> policies) {
        Role role = byRoleId.computeIfAbsent(roleId, id -> new Role(roleName, policies));
        role.secretIds.add(secretId);
    }

    @Override
    public ApiResponse handle(ApiRequest req, String rel) {
        if (!rel.equals("login")) {
            return ApiResponse.unsupportedPath();
        }
        if (!req.isWrite()) {
            return ApiResponse.unsupportedOperation();
        }
        String roleId = req.string("role_id");
        String secretId = req.string("secret_id");
        if (roleId.isEmpty()) {
            return ApiResponse.error(400, "missing role_id");
        }
        Role role;
        boolean valid;
        synchronized (this) {
            role = byRoleId.get(roleId);
            valid = role != null && role.secretIds.stream().anyMatch(s -> UserpassAuth.constantTimeEquals(s, secretId));
        }
        if (!valid) {
            return ApiResponse.error(400, "invalid role or secret ID");
        }
        TokenStore.Token token = tokens.create(
                TokenSpec.builder()
                        .policies(role.policies.toArray(new String[0]))
                        .meta(Map.of("role_name", role.name))
                        .entityId(role.entityId)
                        .ttl(Duration.ofSeconds(TokenStore.DEFAULT_TTL_SECONDS))
                        .orphan(true)
                        .displayName("approle")
                        .path("auth/approle/login")
                        .build(),
                null);
        return ApiResponse.ok(null).auth(tokens.authBlock(token));
    }
}
