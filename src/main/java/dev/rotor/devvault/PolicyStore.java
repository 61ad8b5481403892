package dev.rotor.devvault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named ACL policies. {@code root} (everything) and {@code default} (a token's own lookup/renew/revoke, lease
 * lookup/renew, cubbyhole) always exist, as in Vault; tokens may name policies that do not exist yet.
 */
final class PolicyStore {
    static final String ROOT = "root";
    static final String DEFAULT = "default";

    private final Map<String, Policy> policies = new ConcurrentHashMap<>();

    PolicyStore() {
        policies.put(
                DEFAULT,
                Policy.named(DEFAULT)
                        .path("auth/token/lookup-self", Capability.READ, Capability.UPDATE)
                        .path("auth/token/renew-self", Capability.UPDATE)
                        .path("auth/token/revoke-self", Capability.UPDATE)
                        .path("sys/capabilities-self", Capability.UPDATE)
                        .path("sys/leases/lookup", Capability.UPDATE)
                        .path("sys/leases/renew", Capability.UPDATE)
                        .path("sys/renew", Capability.UPDATE)
                        .path(
                                "cubbyhole/*",
                                Capability.CREATE,
                                Capability.READ,
                                Capability.UPDATE,
                                Capability.DELETE,
                                Capability.LIST)
                        .build());
    }

    void put(Policy policy) {
        if (policy.name().equals(ROOT)) {
            throw new IllegalArgumentException("cannot update the root policy");
        }
        policies.put(policy.name(), policy);
    }

    Policy get(String name) {
        return policies.get(name);
    }

    boolean delete(String name) {
        if (name.equals(ROOT) || name.equals(DEFAULT)) {
            throw new IllegalArgumentException("cannot delete " + name + " policy");
        }
        return policies.remove(name) != null;
    }

    boolean exists(String name) {
        return name.equals(ROOT) || policies.containsKey(name);
    }

    List<String> names() {
        TreeSet<String> names = new TreeSet<>(policies.keySet());
        names.add(ROOT);
        return new ArrayList<>(names);
    }

    /** The ACL for these policy names; unknown names grant nothing. */
    Acl aclFor(Collection<String> names) {
        List<Policy> found = new ArrayList<>();
        for (String name : names) {
            Policy p = policies.get(name);
            if (p != null) {
                found.add(p);
            }
        }
        return Acl.of(names.contains(ROOT), found);
    }
}
