package dev.rotor.devvault;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The transit secrets engine, as far as key management goes: create, read, list and rotate named {@code aes256-gcm96}
 * keys. Rotation answers 200 with the key description (Vault 1.14+). Key material is random and never leaves the dev
 * Vault.
 */
final class TransitEngine implements Engine {
    private static final class Key {
        final String name;
        final TreeMap<Integer, Long> versions = new TreeMap<>();
        final Map<Integer, byte[]> material = new HashMap<>();

        Key(String name, long now) {
            this.name = name;
            addVersion(now);
        }

        void addVersion(long now) {
            int next = versions.isEmpty() ? 1 : versions.lastKey() + 1;
            versions.put(next, now);
            material.put(next, Secrets.bytes(32));
        }
    }

    private final Clock clock;
    private final Map<String, Key> keys = new HashMap<>();

    TransitEngine(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String type() {
        return "transit";
    }

    @Override
    public ApiResponse handle(ApiRequest req, String rel) {
        if (rel.equals("keys/")) {
            return req.operation() == Operation.LIST ? list() : ApiResponse.unsupportedOperation();
        }
        if (!rel.startsWith("keys/")) {
            return ApiResponse.unsupportedPath();
        }
        String rest = rel.substring("keys/".length());
        if (rest.endsWith("/rotate")) {
            String name = rest.substring(0, rest.length() - "/rotate".length());
            return req.isWrite() ? rotate(req, name) : ApiResponse.unsupportedOperation();
        }
        if (rest.contains("/")) {
            return ApiResponse.unsupportedPath();
        }
        return switch (req.operation()) {
            case READ -> read(rest);
            case WRITE -> create(req, rest);
            case DELETE -> ApiResponse.error(400, "deletion is not allowed for this key");
            default -> ApiResponse.unsupportedOperation();
        };
    }

    private synchronized ApiResponse read(String name) {
        Key key = keys.get(name);
        return key == null ? ApiResponse.error(404) : ApiResponse.ok(describe(key));
    }

    private ApiResponse create(ApiRequest req, String name) {
        String type = req.string("type");
        req.field("exportable");
        req.field("allow_plaintext_backup");
        req.field("derived");
        if (!type.isEmpty() && !type.equals("aes256-gcm96")) {
            return ApiResponse.error(400, "the dev Vault only supports aes256-gcm96 keys");
        }
        synchronized (this) {
            keys.computeIfAbsent(name, n -> new Key(n, clock.instant().getEpochSecond()));
            return ApiResponse.ok(describe(keys.get(name)));
        }
    }

    private ApiResponse rotate(ApiRequest req, String name) {
        req.field("managed_key_name");
        req.field("managed_key_id");
        synchronized (this) {
            Key key = keys.get(name);
            if (key == null) {
                return ApiResponse.error(400, "key not found");
            }
            key.addVersion(clock.instant().getEpochSecond());
            return ApiResponse.ok(describe(key));
        }
    }

    private synchronized ApiResponse list() {
        if (keys.isEmpty()) {
            return ApiResponse.error(404);
        }
        return ApiResponse.ok(Json.sorted("keys", new ArrayList<>(new TreeSet<>(keys.keySet()))));
    }

    /** The key description Vault's formatKeyPolicy produces for a symmetric key. */
    private static Map<String, Object> describe(Key key) {
        Map<String, Object> versions = new TreeMap<>();
        key.versions.forEach((v, t) -> versions.put(String.valueOf(v), t));
        return Json.sorted(
                "allow_plaintext_backup", false,
                "auto_rotate_period", 0,
                "deletion_allowed", false,
                "derived", false,
                "exportable", false,
                "imported_key", false,
                "keys", versions,
                "latest_version", key.versions.lastKey(),
                "min_available_version", 0,
                "min_decryption_version", 1,
                "min_encryption_version", 0,
                "name", key.name,
                "supports_decryption", true,
                "supports_derivation", true,
                "supports_encryption", true,
                "supports_signing", false,
                "type", "aes256-gcm96");
    }

    // ---- Java API for DevVault -------------------------------------------------------------------------------

    synchronized void addKey(String name) {
        keys.computeIfAbsent(name, n -> new Key(n, clock.instant().getEpochSecond()));
    }

    synchronized int latestVersion(String name) {
        Key key = keys.get(name);
        if (key == null) {
            throw new IllegalArgumentException("no transit key named " + name);
        }
        return key.versions.lastKey();
    }
}
