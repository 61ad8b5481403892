package dev.rotor.devvault;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The userpass auth method at {@code auth/userpass/}: {@code login/<user>} with {@code {"password"}}. Unknown user and
 * wrong password answer the same 400 {@code invalid username or password}. Usernames are case-insensitive.
 */
final class UserpassAuth implements Engine {
    private record User(String name, String password, List<String> policies, String entityId) {}

    private final Map<String, User> users = new HashMap<>();
    private final TokenStore tokens;

    UserpassAuth(TokenStore tokens) {
        this.tokens = tokens;
    }

    @Override
    public String type() {
        return "userpass";
    }

    synchronized void addUser(String name, String password, List<String> policies) {
        String key = name.toLowerCase(Locale.ROOT);
        users.put(key, new User(key, password, List.copyOf(policies), Secrets.uuid()));
    }

    @Override
    public ApiResponse handle(ApiRequest req, String rel) {
        if (!rel.startsWith("login/") || rel.length() == "login/".length()) {
            return ApiResponse.unsupportedPath();
        }
        if (!req.isWrite()) {
            return ApiResponse.unsupportedOperation();
        }
        String name = rel.substring("login/".length()).toLowerCase(Locale.ROOT);
        String password = req.string("password");
        if (password.isEmpty()) {
            return ApiResponse.error(400, "missing password");
        }
        User user;
        synchronized (this) {
            user = users.get(name);
        }
        if (user == null || !constantTimeEquals(user.password, password)) {
            return ApiResponse.error(400, "invalid username or password");
        }
        TokenStore.Token token = tokens.create(
                TokenSpec.builder()
                        .policies(user.policies.toArray(new String[0]))
                        .meta(Map.of("username", user.name))
                        .entityId(user.entityId)
                        .ttl(Duration.ofSeconds(TokenStore.DEFAULT_TTL_SECONDS))
                        .orphan(true)
                        .displayName("userpass-" + user.name)
                        .path("auth/userpass/login/" + user.name)
                        .build(),
                null);
        return ApiResponse.ok(null).auth(tokens.authBlock(token));
    }

    static boolean constantTimeEquals(String expected, String given) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
