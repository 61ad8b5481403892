package dev.rotor.devvault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Vault's lease manager and its {@code sys/leases/*} endpoints: lookup, renew, revoke, revoke-prefix, revoke-force and
 * listing. Engines that hand out leased secrets (dynamic database credentials) register them here.
 *
 * <p>As in Vault's code, revocation is synchronous by default (204); {@code {"sync": false}} answers 202 (the dev Vault
 * still revokes at once). A revoke-prefix argument that is not itself a lease id is treated as a folder
 * ({@code aws/creds} revokes {@code aws/creds/...}, not {@code aws/credsX}).
 */
final class LeaseEngine {
    static final long MAX_TTL_SECONDS = TokenStore.DEFAULT_TTL_SECONDS;

    private static final class Lease {
        final String id;
        final Instant issued;
        final long ttl;
        final boolean renewable;
        Instant expire;
        Instant lastRenewal;

        Lease(String id, Instant issued, long ttl, boolean renewable) {
            this.id = id;
            this.issued = issued;
            this.ttl = ttl;
            this.renewable = renewable;
            this.expire = issued.plusSeconds(ttl);
        }
    }

    private final Map<String, Lease> leases = new HashMap<>();
    private final Clock clock;

    LeaseEngine(Clock clock) {
        this.clock = clock;
    }

    synchronized void add(String id, Duration ttl, boolean renewable) {
        leases.put(id, new Lease(id, clock.instant(), Math.max(1, ttl.toSeconds()), renewable));
    }

    synchronized boolean exists(String id) {
        return live(id) != null;
    }

    synchronized List<String> ids() {
        leases.values().removeIf(l -> !l.expire.isAfter(clock.instant()));
        return new ArrayList<>(new TreeSet<>(leases.keySet()));
    }

    /** Revokes by Vault's prefix rule; returns how many leases went. */
    synchronized int revokePrefix(String prefix) {
        if (leases.remove(prefix) != null) {
            return 1;
        }
        String folder = prefix.endsWith("/") ? prefix : prefix + "/";
        int before = leases.size();
        leases.keySet().removeIf(id -> id.startsWith(folder));
        return before - leases.size();
    }

    private Lease live(String id) {
        Lease l = leases.get(id);
        if (l != null && !l.expire.isAfter(clock.instant())) {
            leases.remove(id);
            return null;
        }
        return l;
    }

    /** Handles {@code sys/leases/<rel>}. */
    ApiResponse handle(ApiRequest req, String rel) {
        if (rel.equals("lookup")) {
            return req.isWrite() ? lookup(req) : ApiResponse.unsupportedOperation();
        }
        if (rel.startsWith("lookup/")) {
            return req.operation() == Operation.LIST
                    ? list(rel.substring("lookup/".length()))
                    : ApiResponse.unsupportedOperation();
        }
        if (rel.equals("renew") || rel.startsWith("renew/")) {
            return req.isWrite() ? renew(req, suffix(rel, "renew")) : ApiResponse.unsupportedOperation();
        }
        if (rel.equals("revoke") || rel.startsWith("revoke/")) {
            return req.isWrite() ? revoke(req, suffix(rel, "revoke")) : ApiResponse.unsupportedOperation();
        }
        if (rel.startsWith("revoke-prefix/")) {
            return req.isWrite()
                    ? revokePrefix(req, rel.substring("revoke-prefix/".length()), true)
                    : ApiResponse.unsupportedOperation();
        }
        if (rel.startsWith("revoke-force/")) {
            return req.isWrite()
                    ? revokePrefix(req, rel.substring("revoke-force/".length()), false)
                    : ApiResponse.unsupportedOperation();
        }
        return ApiResponse.unsupportedPath();
    }

    /** Paths under {@code sys/} that need {@code sudo} on top of the usual capability. */
    static boolean needsSudo(String sysRel) {
        return sysRel.startsWith("leases/revoke-prefix/")
                || sysRel.startsWith("leases/revoke-force/")
                || sysRel.startsWith("leases/lookup/");
    }

    private static String suffix(String rel, String head) {
        return rel.length() > head.length() ? rel.substring(head.length() + 1) : "";
    }

    private ApiResponse lookup(ApiRequest req) {
        String id = req.string("lease_id");
        if (id.isEmpty()) {
            return ApiResponse.error(400, "lease_id must be specified");
        }
        synchronized (this) {
            Lease l = live(id);
            if (l == null) {
                return ApiResponse.error(400, "invalid lease");
            }
            return ApiResponse.ok(Json.sorted(
                    "expire_time",
                    Times.rfc3339(l.expire),
                    "id",
                    l.id,
                    "issue_time",
                    Times.rfc3339(l.issued),
                    "last_renewal",
                    l.lastRenewal == null ? null : Times.rfc3339(l.lastRenewal),
                    "renewable",
                    l.renewable,
                    "ttl",
                    Math.max(0, l.expire.getEpochSecond() - clock.instant().getEpochSecond())));
        }
    }

    private synchronized ApiResponse list(String prefix) {
        TreeSet<String> names = new TreeSet<>();
        for (String id : ids()) {
            if (id.startsWith(prefix) && id.length() > prefix.length()) {
                String rest = id.substring(prefix.length());
                int slash = rest.indexOf('/');
                names.add(slash < 0 ? rest : rest.substring(0, slash + 1));
            }
        }
        if (names.isEmpty()) {
            return ApiResponse.error(404);
        }
        return ApiResponse.ok(Json.sorted("keys", new ArrayList<>(names)));
    }

    private ApiResponse renew(ApiRequest req, String fromPath) {
        String bodyId = req.string("lease_id");
        String id = fromPath.isEmpty() ? bodyId : fromPath;
        Long increment = req.durationSeconds("increment");
        if (id.isEmpty()) {
            return ApiResponse.error(400, "lease_id must be specified");
        }
        synchronized (this) {
            Lease l = live(id);
            if (l == null) {
                return ApiResponse.error(400, "lease not found");
            }
            if (!l.renewable) {
                return ApiResponse.error(400, "lease is not renewable");
            }
            Instant now = clock.instant();
            long ttl = increment == null || increment <= 0 ? l.ttl : increment;
            long maxLeft = l.issued.plusSeconds(MAX_TTL_SECONDS).getEpochSecond() - now.getEpochSecond();
            ttl = Math.max(0, Math.min(ttl, maxLeft));
            l.expire = now.plusSeconds(ttl);
            l.lastRenewal = now;
            return ApiResponse.ok(null).lease(l.id, true, ttl);
        }
    }

    private ApiResponse revoke(ApiRequest req, String fromPath) {
        String bodyId = req.string("lease_id");
        Boolean sync = req.bool("sync");
        String id = fromPath.isEmpty() ? bodyId : fromPath;
        if (id.isEmpty()) {
            return ApiResponse.error(400, "lease_id must be specified");
        }
        synchronized (this) {
            leases.remove(id);
        }
        return Boolean.FALSE.equals(sync) ? ApiResponse.empty(202) : ApiResponse.noContent();
    }

    private ApiResponse revokePrefix(ApiRequest req, String prefix, boolean honourSync) {
        Boolean sync = honourSync ? req.bool("sync") : null;
        if (prefix.isEmpty()) {
            return ApiResponse.error(400, "prefix must be specified");
        }
        revokePrefix(prefix);
        return Boolean.FALSE.equals(sync) ? ApiResponse.empty(202) : ApiResponse.noContent();
    }
}
