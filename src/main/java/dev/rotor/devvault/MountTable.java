package dev.rotor.devvault;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Mounted backends by path ({@code secret/}, {@code auth/token/}, ...). A request path is served by the mount with the
 * longest matching path prefix; the rest of the path is handed to that mount's engine.
 */
final class MountTable {
    /** One mount as {@code sys/mounts} and {@code sys/auth} describe it. */
    record Mount(
            String path,
            String type,
            String description,
            Map<String, String> options,
            boolean local,
            boolean plugin,
            String runningVersion,
            String accessor,
            String uuid,
            Engine engine) {

        /** Whether this is an auth method (listed by {@code sys/auth}, under {@code auth/}). */
        boolean isAuth() {
            return path.startsWith("auth/");
        }
    }

    record Resolved(Mount mount, String relPath) {}

    private final List<Mount> mounts = new CopyOnWriteArrayList<>();

    /** What a mount is, before it has a path, an accessor and a uuid. */
    record Spec(
            String type,
            String description,
            Map<String, String> options,
            boolean local,
            boolean plugin,
            String runningVersion) {
        private static final String BUILTIN = SysEndpoints.VERSION + "+builtin.vault";

        /** KV version 2, as {@code vault secrets enable -version=2 kv} makes it. */
        static final Spec KV2 =
                new Spec("kv", "key/value secret storage", Map.of("version", "2"), false, true, "v0.18.0+builtin");

        /** A mount built into Vault itself (cubbyhole, identity, sys, token). */
        static Spec core(String type, String description, boolean local) {
            return new Spec(type, description, null, local, false, BUILTIN);
        }

        /** An engine or auth method Vault ships as a builtin plugin (database, transit, aws, userpass, approle). */
        static Spec plugin(String type) {
            return new Spec(type, "", null, false, true, BUILTIN);
        }
    }

    /** Mounts {@code engine} at {@code path}, with a fresh accessor and uuid. */
    void add(String path, Spec spec, Engine engine) {
        String normalised = path.endsWith("/") ? path : path + "/";
        if (find(normalised) != null) {
            throw new IllegalArgumentException("path is already in use at " + normalised);
        }
        mounts.add(new Mount(
                normalised,
                spec.type(),
                spec.description(),
                spec.options(),
                spec.local(),
                spec.plugin(),
                spec.runningVersion(),
                spec.type() + "_" + Secrets.hex(4),
                Secrets.uuid(),
                engine));
    }

    boolean remove(String path) {
        String normalised = path.endsWith("/") ? path : path + "/";
        return mounts.removeIf(m -> m.path().equals(normalised));
    }

    Mount find(String mountPath) {
        for (Mount m : mounts) {
            if (m.path().equals(mountPath)) {
                return m;
            }
        }
        return null;
    }

    /** The mount serving {@code apiPath}, or null (Vault's "no handler for route"). */
    Resolved resolve(String apiPath) {
        Mount best = null;
        for (Mount m : mounts) {
            boolean matches = apiPath.startsWith(m.path())
                    || apiPath.equals(m.path().substring(0, m.path().length() - 1));
            if (matches && (best == null || m.path().length() > best.path().length())) {
                best = m;
            }
        }
        if (best == null) {
            return null;
        }
        String rel = apiPath.length() >= best.path().length()
                ? apiPath.substring(best.path().length())
                : "";
        return new Resolved(best, rel);
    }

    /** Mounts of one kind (secrets engines or auth methods), sorted by path. */
    List<Mount> list(boolean auth) {
        List<Mount> out = new ArrayList<>();
        for (Mount m : mounts) {
            if (m.isAuth() == auth) {
                out.add(m);
            }
        }
        out.sort(Comparator.comparing(Mount::path));
        return out;
    }
}
