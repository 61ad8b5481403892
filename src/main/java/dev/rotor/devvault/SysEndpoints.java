package dev.rotor.devvault;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The system backend at {@code sys/}: health and seal status (answered even while sealed), mounts and auth listings
 * (data also copied to the top level, as Vault does for these routes), ACL policies, KV mount enable/disable, and the
 * lease endpoints (delegated to {@link LeaseEngine}). Also holds the seal, init and standby switches.
 */
final class SysEndpoints implements Engine {
    static final String VERSION = "1.17.0";

    private final Clock clock;
    private final MountTable mounts;
    private final PolicyStore policies;
    private final LeaseEngine leases;
    private final Function<String, Kv2Engine> kvMounter;
    private final String clusterName = "vault-cluster-" + Secrets.hex(4);
    private final String clusterId = Secrets.uuid();
    private volatile boolean sealed;
    private volatile boolean initialized = true;
    private volatile boolean standby;

    SysEndpoints(
            Clock clock,
            MountTable mounts,
            PolicyStore policies,
            LeaseEngine leases,
            Function<String, Kv2Engine> kvMounter) {
        this.clock = clock;
        this.mounts = mounts;
        this.policies = policies;
        this.leases = leases;
        this.kvMounter = kvMounter;
    }

    @Override
    public String type() {
        return "system";
    }

    boolean sealed() {
        return sealed || !initialized;
    }

    void sealed(boolean value) {
        sealed = value;
    }

    void initialized(boolean value) {
        initialized = value;
    }

    void standby(boolean value) {
        standby = value;
    }

    /**
     * {@code GET/HEAD sys/health}: the bare health object (no envelope) with Vault's status precedence: not
     * initialised, sealed, standby (unless {@code standbyok}), active. Query parameters override the codes.
     */
    ApiResponse health(boolean head, Map<String, String> query) {
        int active;
        int standbyCode;
        int sealedCode;
        int uninitCode;
        try {
            active = code(query, "activecode", 200);
            standbyCode = code(query, "standbycode", 429);
            sealedCode = code(query, "sealedcode", 503);
            uninitCode = code(query, "uninitcode", 501);
            code(query, "perfstandbycode", 473);
            code(query, "drsecondarycode", 472);
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        }
        boolean standbyOk = flag(query, "standbyok") || flag(query, "perfstandbyok");
        boolean isInit = initialized;
        boolean isSealed = sealed || !isInit;
        boolean isStandby = standby || isSealed;
        int status;
        if (!isInit) {
            status = uninitCode;
        } else if (isSealed) {
            status = sealedCode;
        } else if (isStandby && !standbyOk) {
            status = standbyCode;
        } else {
            status = active;
        }
        if (head) {
            return ApiResponse.empty(status);
        }
        Map<String, Object> body = Json.sorted(
                "clock_skew_ms",
                0,
                "echo_duration_ms",
                0,
                "enterprise",
                false,
                "initialized",
                isInit,
                "performance_standby",
                false,
                "replication_dr_mode",
                "disabled",
                "replication_performance_mode",
                "disabled",
                "sealed",
                isSealed,
                "server_time_utc",
                clock.instant().getEpochSecond(),
                "standby",
                isStandby,
                "version",
                VERSION);
        if (!isSealed) {
            body.put("cluster_name", clusterName);
            body.put("cluster_id", clusterId);
        }
        return ApiResponse.raw(status, Json.tree(body));
    }

    private static int code(Map<String, String> query, String name, int fallback) {
        String value = query.get(name);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unable to parse " + name + " parameter");
        }
    }

    private static boolean flag(Map<String, String> query, String name) {
        if (!query.containsKey(name)) {
            return false;
        }
        String v = query.get(name);
        return v.isEmpty() || v.equalsIgnoreCase("true") || v.equals("1");
    }

    /** {@code GET sys/seal-status}: also unauthenticated and answered while sealed. */
    ApiResponse sealStatus() {
        boolean isSealed = sealed();
        Map<String, Object> body = Json.ordered(
                "type",
                "shamir",
                "initialized",
                initialized,
                "sealed",
                isSealed,
                "t",
                1,
                "n",
                1,
                "progress",
                0,
                "nonce",
                "",
                "version",
                VERSION,
                "build_date",
                "2024-06-01T00:00:00Z",
                "migration",
                false,
                "recovery_seal",
                false,
                "storage_type",
                "inmem");
        if (!isSealed) {
            body.put("cluster_name", clusterName);
            body.put("cluster_id", clusterId);
        }
        return ApiResponse.raw(200, Json.tree(body));
    }

    @Override
    public ApiResponse handle(ApiRequest req, String rel) {
        Operation op = req.operation();
        if (rel.startsWith("leases/")) {
            return leases.handle(req, rel.substring("leases/".length()));
        }
        if (rel.equals("mounts")) {
            return op == Operation.READ ? mountList(false) : ApiResponse.unsupportedOperation();
        }
        if (rel.startsWith("mounts/")) {
            return mountChange(req, rel.substring("mounts/".length()));
        }
        if (rel.equals("auth")) {
            return op == Operation.READ ? mountList(true) : ApiResponse.unsupportedOperation();
        }
        if (rel.equals("policies/acl/")) {
            return op == Operation.LIST
                    ? ApiResponse.ok(Json.sorted("keys", policies.names()))
                    : ApiResponse.unsupportedOperation();
        }
        if (rel.startsWith("policies/acl/")) {
            return policy(req, rel.substring("policies/acl/".length()));
        }
        return ApiResponse.unsupportedPath();
    }

    private ApiResponse mountList(boolean auth) {
        Map<String, Object> data = new TreeMap<>();
        for (MountTable.Mount m : mounts.list(auth)) {
            String key = auth ? m.path().substring("auth/".length()) : m.path();
            Map<String, Object> config =
                    Json.sorted("default_lease_ttl", 0, "force_no_cache", false, "max_lease_ttl", 0);
            if (m.type().equals("system")) {
                config.put("passthrough_request_headers", List.of("Accept"));
            }
            if (auth) {
                config.put("token_type", "default-service");
            }
            Map<String, Object> entry = Json.sorted(
                    "accessor", m.accessor(),
                    "config", config,
                    "description", m.description(),
                    "external_entropy_access", false,
                    "local", m.local(),
                    "options", m.options(),
                    "plugin_version", "",
                    "running_plugin_version", m.runningVersion(),
                    "running_sha256", "",
                    "seal_wrap", false,
                    "type", m.type(),
                    "uuid", m.uuid());
            if (m.plugin()) {
                entry.put("deprecation_status", "supported");
            }
            data.put(key, entry);
        }
        return ApiResponse.ok(data).dataAlsoTopLevel();
    }

    /** {@code POST sys/mounts/<path>} enables a KV v2 mount; {@code DELETE} disables any secrets mount. */
    private ApiResponse mountChange(ApiRequest req, String path) {
        if (path.isEmpty()) {
            return ApiResponse.unsupportedPath();
        }
        if (req.operation() == Operation.DELETE) {
            mounts.remove(path);
            return ApiResponse.noContent();
        }
        if (!req.isWrite()) {
            return ApiResponse.unsupportedOperation();
        }
        String type = req.string("type");
        Map<String, String> options = req.stringMap("options");
        req.field("description");
        req.field("config");
        boolean v2 =
                type.equals("kv-v2") || (type.equals("kv") && options != null && "2".equals(options.get("version")));
        if (!v2) {
            return ApiResponse.error(400, "the dev Vault can only enable KV version 2 mounts");
        }
        try {
            var unused = kvMounter.apply(path);
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, e.getMessage());
        }
        return ApiResponse.noContent();
    }

    private ApiResponse policy(ApiRequest req, String name) {
        switch (req.operation()) {
            case READ -> {
                Policy p = policies.get(name);
                if (p == null && !name.equals(PolicyStore.ROOT)) {
                    return ApiResponse.error(404);
                }
                String text = p == null ? "" : p.toHcl();
                return ApiResponse.ok(Json.sorted("name", name, "policy", text));
            }
            case WRITE -> {
                String text = req.string("policy");
                if (text.isEmpty()) {
                    return ApiResponse.error(400, "'policy' parameter not supplied or empty");
                }
                try {
                    policies.put(Policy.parse(name, text));
                } catch (IllegalArgumentException e) {
                    return ApiResponse.error(400, "failed to parse policy: " + e.getMessage());
                }
                return ApiResponse.noContent();
            }
            case DELETE -> {
                try {
                    policies.delete(name);
                } catch (IllegalArgumentException e) {
                    return ApiResponse.error(400, e.getMessage());
                }
                return ApiResponse.noContent();
            }
            default -> {
                return ApiResponse.unsupportedOperation();
            }
        }
    }
}
