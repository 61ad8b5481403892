package dev.rotor.devvault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The database secrets engine: connections (whose root password can be rotated), static roles (a fixed username whose
 * password the engine rotates) and dynamic roles (leased username/password pairs). Error texts and statuses are the
 * contract's; passwords come from {@link Secrets}.
 */
final class DatabaseEngine implements Engine {
    static final long DEFAULT_ROTATION_PERIOD = Duration.ofHours(24).toSeconds();
    static final long DEFAULT_DYNAMIC_TTL = Duration.ofHours(1).toSeconds();

    private static final class Connection {
        int rotations;
    }

    private static final class StaticRole {
        final String username;
        final long rotationPeriod;
        String password = Secrets.password();
        Instant lastRotation;
        int rotations;

        StaticRole(String username, long rotationPeriod, Instant now) {
            this.username = username;
            this.rotationPeriod = rotationPeriod;
            this.lastRotation = now;
        }
    }

    private final String mount;
    private final Clock clock;
    private final LeaseEngine leases;
    private final Map<String, Connection> connections = new HashMap<>();
    private final Map<String, StaticRole> staticRoles = new HashMap<>();
    private final Map<String, Long> dynamicRoles = new HashMap<>();

    DatabaseEngine(String mount, Clock clock, LeaseEngine leases) {
        this.mount = mount;
        this.clock = clock;
        this.leases = leases;
    }

    @Override
    public String type() {
        return "database";
    }

    @Override
    public ApiResponse handle(ApiRequest req, String rel) {
        int slash = rel.indexOf('/');
        String section = slash < 0 ? rel : rel.substring(0, slash);
        String name = slash < 0 ? "" : rel.substring(slash + 1);
        return switch (section) {
            case "rotate-root" -> req.isWrite() ? rotateRoot(name) : ApiResponse.unsupportedOperation();
            case "rotate-role" -> req.isWrite() ? rotateRole(name) : ApiResponse.unsupportedOperation();
            case "static-roles" ->
                req.operation() == Operation.READ ? staticRole(name) : ApiResponse.unsupportedOperation();
            case "static-creds" ->
                req.operation() == Operation.READ ? staticCreds(name) : ApiResponse.unsupportedOperation();
            case "creds" -> req.operation() == Operation.READ ? dynamicCreds(name) : ApiResponse.unsupportedOperation();
            default -> ApiResponse.unsupportedPath();
        };
    }

    private synchronized ApiResponse rotateRoot(String name) {
        Connection c = connections.get(name);
        if (c == null) {
            // Vault's backend returns a plain Go error here, which the HTTP layer turns into a 500.
            return ApiResponse.goError(500, "failed to find entry for connection with name: \"" + name + "\"");
        }
        c.rotations++;
        return ApiResponse.noContent();
    }

    private synchronized ApiResponse rotateRole(String name) {
        StaticRole role = staticRoles.get(name);
        if (role == null) {
            return ApiResponse.error(400, "no static role found for role name");
        }
        role.password = Secrets.password();
        role.lastRotation = clock.instant();
        role.rotations++;
        return ApiResponse.noContent();
    }

    /** The role's definition as Vault shows it: no password, but the time of the last rotation. */
    private synchronized ApiResponse staticRole(String name) {
        StaticRole role = staticRoles.get(name);
        if (role == null) {
            return ApiResponse.error(404);
        }
        return ApiResponse.ok(Json.sorted(
                "credential_type",
                "password",
                "db_name",
                "dev",
                "last_vault_rotation",
                Times.rfc3339(role.lastRotation),
                "rotation_period",
                role.rotationPeriod,
                "rotation_statements",
                List.of(),
                "username",
                role.username));
    }

    private synchronized ApiResponse staticCreds(String name) {
        StaticRole role = staticRoles.get(name);
        if (role == null) {
            return ApiResponse.error(400, "unknown role: " + name);
        }
        long elapsed = clock.instant().getEpochSecond() - role.lastRotation.getEpochSecond();
        return ApiResponse.ok(Json.sorted(
                "last_vault_rotation", Times.rfc3339(role.lastRotation),
                "password", role.password,
                "rotation_period", role.rotationPeriod,
                "ttl", Math.max(0, role.rotationPeriod - elapsed),
                "username", role.username));
    }

    private ApiResponse dynamicCreds(String role) {
        Long ttl;
        synchronized (this) {
            ttl = dynamicRoles.get(role);
        }
        if (ttl == null) {
            return ApiResponse.error(400, "unknown role: " + role);
        }
        Instant now = clock.instant();
        String username = "v-token-" + role + "-" + Secrets.alnum(20) + "-" + now.getEpochSecond();
        String leaseId = mount + "creds/" + role + "/" + Secrets.alnum(24);
        leases.add(leaseId, Duration.ofSeconds(ttl), true);
        return ApiResponse.ok(Json.sorted("password", Secrets.password(), "username", username))
                .lease(leaseId, true, ttl);
    }

    // ---- Java API for DevVault -------------------------------------------------------------------------------

    synchronized void addConnection(String name) {
        connections.putIfAbsent(name, new Connection());
    }

    synchronized void addStaticRole(String name, String username, Duration rotationPeriod) {
        staticRoles.put(name, new StaticRole(username, rotationPeriod.toSeconds(), clock.instant()));
    }

    synchronized void addDynamicRole(String name, Duration ttl) {
        dynamicRoles.put(name, ttl.toSeconds());
    }

    synchronized String staticPassword(String name) {
        return require(name).password;
    }

    synchronized Instant lastRotation(String name) {
        return require(name).lastRotation;
    }

    synchronized int staticRotations(String name) {
        return require(name).rotations;
    }

    synchronized int rootRotations(String connection) {
        Connection c = connections.get(connection);
        if (c == null) {
            throw new IllegalArgumentException("no database connection named " + connection);
        }
        return c.rotations;
    }

    private StaticRole require(String name) {
        StaticRole role = staticRoles.get(name);
        if (role == null) {
            throw new IllegalArgumentException("no static role named " + name);
        }
        return role;
    }
}
