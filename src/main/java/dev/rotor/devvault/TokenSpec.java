package dev.rotor.devvault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a token created through {@link DevVault#createToken(TokenSpec)} looks like. Defaults follow Vault's
 * {@code auth/token/create}: the {@code default} policy is added, TTL 768h, renewable, not an orphan. Fields are mainly
 * there so a test can reproduce a token a document describes (entity, identity policies, path).
 */
public final class TokenSpec {
    final List<String> policies;
    final boolean noDefaultPolicy;
    final List<String> identityPolicies;
    final String entityId;
    final Map<String, String> meta;
    final Duration ttl;
    final Duration explicitMaxTtl;
    final boolean renewable;
    final boolean orphan;
    final String displayName;
    final String path;
    final String id;
    final String accessor;
    final int numUses;

    private TokenSpec(Builder b) {
        this.policies = List.copyOf(b.policies);
        this.noDefaultPolicy = b.noDefaultPolicy;
        this.identityPolicies = List.copyOf(b.identityPolicies);
        this.entityId = b.entityId;
        this.meta = b.meta == null ? null : Map.copyOf(b.meta);
        this.ttl = b.ttl;
        this.explicitMaxTtl = b.explicitMaxTtl;
        this.renewable = b.renewable;
        this.orphan = b.orphan;
        this.displayName = b.displayName;
        this.path = b.path;
        this.id = b.id;
        this.accessor = b.accessor;
        this.numUses = b.numUses;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link TokenSpec}; every setter is optional. */
    public static final class Builder {
        private final List<String> policies = new ArrayList<>();
        private boolean noDefaultPolicy;
        private final List<String> identityPolicies = new ArrayList<>();
        private String entityId = "";
        private Map<String, String> meta;
        private Duration ttl = Duration.ofDays(32);
        private Duration explicitMaxTtl = Duration.ZERO;
        private boolean renewable = true;
        private boolean orphan;
        private String displayName = "token";
        private String path = "auth/token/create";
        private String id;
        private String accessor;
        private int numUses;

        private Builder() {}

        /** Policy names (need not exist yet); {@code default} is added unless {@link #noDefaultPolicy()}. */
        public Builder policies(String... names) {
            policies.addAll(Arrays.asList(names));
            return this;
        }

        public Builder noDefaultPolicy() {
            this.noDefaultPolicy = true;
            return this;
        }

        /** Policies the token gets through its identity entity (reported as {@code identity_policies}). */
        public Builder identityPolicies(String... names) {
            identityPolicies.addAll(Arrays.asList(names));
            return this;
        }

        public Builder entityId(String value) {
            this.entityId = value;
            return this;
        }

        public Builder meta(Map<String, String> value) {
            this.meta = new LinkedHashMap<>(value);
            return this;
        }

        /** Token TTL; {@link Duration#ZERO} means it never expires (as root tokens). */
        public Builder ttl(Duration value) {
            this.ttl = value;
            return this;
        }

        public Builder explicitMaxTtl(Duration value) {
            this.explicitMaxTtl = value;
            return this;
        }

        public Builder renewable(boolean value) {
            this.renewable = value;
            return this;
        }

        public Builder orphan(boolean value) {
            this.orphan = value;
            return this;
        }

        public Builder displayName(String value) {
            this.displayName = value;
            return this;
        }

        /** The path the token was created on ({@code auth/userpass/login/alice}, ...). */
        public Builder path(String value) {
            this.path = value;
            return this;
        }

        /** A fixed token id instead of a generated one. */
        public Builder id(String value) {
            this.id = value;
            return this;
        }

        /** A fixed accessor instead of a generated one. */
        public Builder accessor(String value) {
            this.accessor = value;
            return this;
        }

        /** Number of uses; 0 = unlimited. */
        public Builder numUses(int value) {
            this.numUses = value;
            return this;
        }

        public TokenSpec build() {
            return new TokenSpec(this);
        }
    }
}
