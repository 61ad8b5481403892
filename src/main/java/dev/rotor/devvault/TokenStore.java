package dev.rotor.devvault;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Vault's token store, mounted at {@code auth/token/}: token creation, lookup-self, renew-self, revoke-self, revoke and
 * revoke-accessor, plus the authentication of every request. Children are revoked with their parent unless they are
 * orphans. All state is guarded by this object's monitor.
 */
final class TokenStore implements Engine {
    static final long DEFAULT_TTL_SECONDS = Duration.ofDays(32).toSeconds();
    static final String INVALID_TOKEN = "2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n";

    /** A token entry. Mutable fields are only touched under the store's lock. */
    static final class Token {
        final String id;
        final String accessor;
        final List<String> policies;
        final List<String> identityPolicies;
        final String entityId;
        final Map<String, String> meta;
        final String displayName;
        final String path;
        final Instant issueTime;
        final long creationTtl;
        final long explicitMaxTtl;
        final boolean renewable;
        final boolean orphan;
        final String parentAccessor;
        Instant expireTime;
        int numUses;
        Instant lastRenewal;

        Token(
                String id,
                String accessor,
                List<String> policies,
                List<String> identityPolicies,
                String entityId,
                Map<String, String> meta,
                String displayName,
                String path,
                Instant issueTime,
                long creationTtl,
                long explicitMaxTtl,
                boolean renewable,
                boolean orphan,
                String parentAccessor,
                int numUses) {
            this.id = id;
            this.accessor = accessor;
            this.policies = List.copyOf(policies);
            this.identityPolicies = List.copyOf(identityPolicies);
            this.entityId = entityId;
            this.meta = meta;
            this.displayName = displayName;
            this.path = path;
            this.issueTime = issueTime;
            this.creationTtl = creationTtl;
            this.explicitMaxTtl = explicitMaxTtl;
            this.renewable = renewable;
            this.orphan = orphan;
            this.parentAccessor = parentAccessor;
            this.numUses = numUses;
            this.expireTime = creationTtl > 0 ? issueTime.plusSeconds(creationTtl) : null;
        }

        boolean isRoot() {
            return policies.contains(PolicyStore.ROOT);
        }

        /** Token policies plus identity policies: what the ACL is built from. */
        List<String> allPolicies() {
            List<String> all = new ArrayList<>(policies);
            all.addAll(identityPolicies);
            return all;
        }

        @Override
        public String toString() {
            return "Token[accessor=" + accessor + ", policies=" + policies + "]";
        }
    }

    /** Outcome of checking a request's token. */
    enum AuthStatus {
        OK,
        MISSING,
        INVALID
    }

    record Authentication(AuthStatus status, Token token) {}

    private final Map<String, Token> byId = new HashMap<>();
    private final Map<String, Token> byAccessor = new HashMap<>();
    private final PolicyStore policyStore;
    private final Clock clock;

    TokenStore(PolicyStore policyStore, Clock clock) {
        this.policyStore = policyStore;
        this.clock = clock;
    }

    @Override
    public String type() {
        return "token";
    }

    /** Creates the root token (never expires, policy {@code root}). */
    synchronized Token createRoot(String id) {
        Token t = new Token(
                id,
                Secrets.alnum(24),
                List.of(PolicyStore.ROOT),
                List.of(),
                "",
                null,
                "root",
                "auth/token/root",
                clock.instant(),
                0,
                0,
                false,
                true,
                null,
                0);
        register(t);
        return t;
    }

    /** Creates a token from a spec; policies are sanitised as Vault does (lower-cased, sorted, default added). */
    synchronized Token create(TokenSpec spec, Token parent) {
        List<String> policies = sanitise(spec.policies, !spec.noDefaultPolicy);
        long ttl = Times.seconds(spec.ttl);
        Token t = new Token(
                spec.id != null ? spec.id : Secrets.serviceToken(),
                spec.accessor != null ? spec.accessor : Secrets.alnum(24),
                policies,
                spec.identityPolicies,
                spec.entityId,
                spec.meta,
                spec.displayName,
                spec.path,
                clock.instant(),
                ttl,
                Times.seconds(spec.explicitMaxTtl),
                spec.renewable,
                spec.orphan || parent == null,
                parent == null || spec.orphan ? null : parent.accessor,
                spec.numUses);
        if (byId.containsKey(t.id) || byAccessor.containsKey(t.accessor)) {
            throw new IllegalArgumentException("a token with this id or accessor already exists");
        }
        register(t);
        return t;
    }

    private void register(Token t) {
        byId.put(t.id, t);
        byAccessor.put(t.accessor, t);
    }

    /**
     * Checks a request's token: missing, unknown or expired tokens fail; a use-limited token loses one use and is
     * revoked after its last one (the current request still runs).
     */
    synchronized Authentication authenticate(String id) {
        if (id == null || id.isEmpty()) {
            return new Authentication(AuthStatus.MISSING, null);
        }
        Token t = byId.get(id);
        if (t == null) {
            return new Authentication(AuthStatus.INVALID, null);
        }
        if (t.expireTime != null && !t.expireTime.isAfter(clock.instant())) {
            revoke(t);
            return new Authentication(AuthStatus.INVALID, null);
        }
        if (t.numUses > 0) {
            t.numUses--;
            if (t.numUses == 0) {
                revoke(t);
            }
        }
        return new Authentication(AuthStatus.OK, t);
    }

    synchronized boolean exists(String id) {
        return byId.containsKey(id);
    }

    synchronized Token byAccessor(String accessor) {
        return byAccessor.get(accessor);
    }

    /** Revokes the token and, recursively, its non-orphan children. */
    synchronized void revoke(Token t) {
        byId.remove(t.id);
        byAccessor.remove(t.accessor);
        List<Token> children = new ArrayList<>();
        for (Token candidate : byId.values()) {
            if (t.accessor.equals(candidate.parentAccessor)) {
                children.add(candidate);
            }
        }
        children.forEach(this::revoke);
    }

    @Override
    public ApiResponse handle(ApiRequest req, String rel) {
        switch (rel) {
            case "create", "create-orphan" -> {
                return req.isWrite() ? create(req, rel.equals("create-orphan")) : ApiResponse.unsupportedOperation();
            }
            case "lookup-self" -> {
                return req.operation() == Operation.READ || req.isWrite()
                        ? ApiResponse.ok(lookupData(req.token()))
                        : ApiResponse.unsupportedOperation();
            }
            case "renew-self" -> {
                return req.isWrite() ? renewSelf(req) : ApiResponse.unsupportedOperation();
            }
            case "revoke-self" -> {
                if (!req.isWrite()) {
                    return ApiResponse.unsupportedOperation();
                }
                revoke(req.token());
                return ApiResponse.noContent();
            }
            case "revoke" -> {
                return req.isWrite() ? revokeByToken(req) : ApiResponse.unsupportedOperation();
            }
            case "revoke-accessor" -> {
                return req.isWrite() ? revokeAccessor(req) : ApiResponse.unsupportedOperation();
            }
            default -> {
                return ApiResponse.unsupportedPath();
            }
        }
    }

    private ApiResponse create(ApiRequest req, boolean orphanPath) {
        Token parent = req.token();
        String id = req.string("id");
        List<String> requested = req.strings("policies");
        Map<String, String> meta = req.stringMap("meta");
        Boolean noParent = req.bool("no_parent");
        Boolean noDefault = req.bool("no_default_policy");
        Boolean renewable = req.bool("renewable");
        Long ttl = req.durationSeconds("ttl");
        Long explicitMax = req.durationSeconds("explicit_max_ttl");
        String displayName = req.string("display_name");
        Long numUses = req.integer("num_uses");
        req.field("period");
        req.field("type");
        req.field("entity_alias");

        if (!id.isEmpty() && !parent.isRoot()) {
            return ApiResponse.error(400, "root or sudo privileges required to specify token id");
        }
        boolean orphan = orphanPath || Boolean.TRUE.equals(noParent);
        if (Boolean.TRUE.equals(noParent) && !parent.isRoot()) {
            return ApiResponse.error(400, "root or sudo privileges required to create orphan token");
        }
        List<String> wanted = requested.isEmpty() ? withoutDefault(parent.policies) : requested;
        List<String> policies = sanitise(wanted, !Boolean.TRUE.equals(noDefault));
        if (!parent.isRoot()) {
            for (String p : policies) {
                if (!p.equals(PolicyStore.DEFAULT) && !parent.policies.contains(p)) {
                    return ApiResponse.error(400, "child policies must be subset of parent");
                }
            }
        }
        long ttlSeconds = ttl == null ? 0 : ttl;
        if (ttlSeconds == 0 && !policies.contains(PolicyStore.ROOT)) {
            ttlSeconds = DEFAULT_TTL_SECONDS;
        }
        TokenSpec.Builder spec = TokenSpec.builder()
                .policies(policies.toArray(new String[0]))
                .noDefaultPolicy()
                .ttl(Duration.ofSeconds(ttlSeconds))
                .explicitMaxTtl(Duration.ofSeconds(explicitMax == null ? 0 : explicitMax))
                .renewable(renewable == null || renewable)
                .orphan(orphan)
                .displayName(displayName.isEmpty() ? "token" : "token-" + displayName)
                .path(orphanPath ? "auth/token/create-orphan" : "auth/token/create")
                .numUses(numUses == null ? 0 : numUses.intValue());
        if (meta != null) {
            spec.meta(meta);
        }
        if (!id.isEmpty()) {
            spec.id(id);
        }
        Token t;
        try {
            t = create(spec.build(), parent);
        } catch (IllegalArgumentException e) {
            return ApiResponse.error(400, "token with the given ID already exists");
        }
        ApiResponse resp = ApiResponse.ok(null).auth(authBlock(t));
        for (String p : policies) {
            if (!p.equals(PolicyStore.DEFAULT) && !policyStore.exists(p)) {
                resp.warning("Policy \"" + p + "\" does not exist");
            }
        }
        return resp;
    }

    private ApiResponse renewSelf(ApiRequest req) {
        Long increment = req.durationSeconds("increment");
        synchronized (this) {
            Token t = req.token();
            if (!t.renewable || t.creationTtl == 0) {
                return ApiResponse.error(400, "lease is not renewable");
            }
            Instant now = clock.instant();
            long ttl = increment == null || increment <= 0 ? t.creationTtl : increment;
            ttl = Math.min(ttl, DEFAULT_TTL_SECONDS);
            if (t.explicitMaxTtl > 0) {
                long left = t.issueTime.plusSeconds(t.explicitMaxTtl).getEpochSecond() - now.getEpochSecond();
                ttl = Math.max(0, Math.min(ttl, left));
            }
            t.expireTime = now.plusSeconds(ttl);
            t.lastRenewal = now;
            return ApiResponse.ok(null).auth(authBlock(t, ttl));
        }
    }

    private ApiResponse revokeByToken(ApiRequest req) {
        String id = req.string("token");
        if (id.isEmpty()) {
            return ApiResponse.error(400, "missing token");
        }
        synchronized (this) {
            Token t = byId.get(id);
            if (t != null) {
                revoke(t);
            }
        }
        return ApiResponse.noContent();
    }

    private ApiResponse revokeAccessor(ApiRequest req) {
        String accessor = req.string("accessor");
        if (accessor.isEmpty()) {
            return ApiResponse.error(400, "missing accessor");
        }
        synchronized (this) {
            Token t = byAccessor.get(accessor);
            if (t == null) {
                return ApiResponse.ok(null).warning("No token found with this accessor");
            }
            revoke(t);
        }
        return ApiResponse.noContent();
    }

    /** The {@code auth} block of a login or token-create response (Go struct field order). */
    synchronized Map<String, Object> authBlock(Token t) {
        return authBlock(t, remainingTtl(t));
    }

    private Map<String, Object> authBlock(Token t, long leaseDuration) {
        Map<String, Object> auth = Json.ordered(
                "client_token", t.id,
                "accessor", t.accessor,
                "policies", t.allPolicies(),
                "token_policies", t.policies);
        if (!t.identityPolicies.isEmpty()) {
            auth.put("identity_policies", t.identityPolicies);
        }
        auth.put("metadata", t.meta);
        auth.put("lease_duration", leaseDuration);
        auth.put("renewable", t.renewable && t.creationTtl > 0);
        auth.put("entity_id", t.entityId);
        auth.put("token_type", "service");
        auth.put("orphan", t.orphan);
        auth.put("mfa_requirement", null);
        auth.put("num_uses", t.numUses);
        return auth;
    }

    /** {@code data} of {@code auth/token/lookup-self}. */
    synchronized Map<String, Object> lookupData(Token t) {
        Map<String, Object> data = Json.sorted(
                "accessor", t.accessor,
                "creation_time", t.issueTime.getEpochSecond(),
                "creation_ttl", t.creationTtl,
                "display_name", t.displayName,
                "entity_id", t.entityId,
                "expire_time", t.expireTime == null ? null : Times.rfc3339(t.expireTime),
                "explicit_max_ttl", t.explicitMaxTtl,
                "id", t.id,
                "issue_time", Times.rfc3339(t.issueTime),
                "meta", t.meta,
                "num_uses", t.numUses,
                "orphan", t.orphan,
                "path", t.path,
                "policies", t.policies,
                "renewable", t.renewable,
                "ttl", remainingTtl(t),
                "type", "service");
        if (t.lastRenewal != null) {
            data.put("last_renewal", Times.rfc3339(t.lastRenewal));
            data.put("last_renewal_time", t.lastRenewal.getEpochSecond());
        }
        if (!t.identityPolicies.isEmpty()) {
            data.put("identity_policies", t.identityPolicies);
        }
        return data;
    }

    private long remainingTtl(Token t) {
        if (t.expireTime == null) {
            return 0;
        }
        return Math.max(0, t.expireTime.getEpochSecond() - clock.instant().getEpochSecond());
    }

    private static List<String> withoutDefault(Collection<String> policies) {
        List<String> out = new ArrayList<>(policies);
        out.remove(PolicyStore.DEFAULT);
        return out;
    }

    /** Vault's policy sanitising: trim, lower-case, drop empties, root alone wins, add default, sort, dedupe. */
    static List<String> sanitise(Collection<String> policies, boolean addDefault) {
        TreeSet<String> out = new TreeSet<>();
        for (String p : policies) {
            String name = p.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals(PolicyStore.ROOT)) {
                return List.of(PolicyStore.ROOT);
            }
            out.add(name);
        }
        if (addDefault) {
            out.add(PolicyStore.DEFAULT);
        }
        return new ArrayList<>(out);
    }
}
