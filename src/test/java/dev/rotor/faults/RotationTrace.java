package dev.rotor.faults;

import dev.rotor.devvault.DevVault;
import dev.rotor.devvault.Request;
import java.util.List;

/**
 * Evidence for a secret rotated more than once: the dev Vault's requests on it (time, method, API path, status; never a
 * body) and every line each rotor instance logged about it, interleaved by the reader. Enough to tell which instance
 * wrote which version, and whether a kill or a task close came between a write and its marker.
 */
final class RotationTrace {
    private static final int SHOWN = 5;

    private RotationTrace() {}

    /** @param paths secret paths ({@code secret/faults/...}) */
    static String describe(final List<String> paths, final DevVault vault, final List<RotorProcess> instances) {
        final StringBuilder s = new StringBuilder();
        for (final String path : paths.subList(0, Math.min(SHOWN, paths.size()))) {
            final String rest = path.substring(path.indexOf('/') + 1);
            s.append("== ").append(path).append('\n');
            for (final Request r : vault.requests()) {
                if (r.path().endsWith("/" + rest) && r.path().contains("/secret/")) {
                    s.append("  vault ")
                            .append(r.time())
                            .append(' ')
                            .append(r.method())
                            .append(' ')
                            .append(r.path())
                            .append(" -> ")
                            .append(r.status())
                            .append('\n');
                }
            }
            for (final RotorProcess p : instances) {
                for (final String line : p.logLines("==== fault suite")) {
                    s.append("  ").append(line).append('\n');
                }
                for (final String line : p.logLines(path)) {
                    s.append("  ")
                            .append(p.name())
                            .append(": ")
                            .append(line.length() > 300 ? line.substring(0, 300) + "..." : line)
                            .append('\n');
                }
            }
        }
        if (paths.size() > SHOWN) {
            s.append("... and ").append(paths.size() - SHOWN).append(" more\n");
        }
        return s.toString();
    }
}
