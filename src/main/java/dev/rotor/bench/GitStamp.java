package dev.rotor.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Which code a bench run measured: {@code git rev-parse HEAD} and {@code git status --porcelain} in the working
 * directory. A dirty tree means the jar may hold changes no commit has, so the figures cannot be tied to a commit;
 * outside a checkout (or without git) both are "unknown".
 *
 * @param commit the full commit id, or "unknown"
 * @param dirty "clean", "dirty (N changed files)" or "unknown"
 */
public record GitStamp(String commit, String dirty) {
    public static final String UNKNOWN = "unknown";

    /** Reads the stamp of the checkout that contains {@code dir}. */
    public static GitStamp of(final Path dir) {
        final Optional<String> head =
                git(dir, "rev-parse", "HEAD").map(String::trim).filter(s -> s.matches("[0-9a-f]{40,64}"));
        if (head.isEmpty()) {
            return new GitStamp(UNKNOWN, UNKNOWN);
        }
        final Optional<String> status = git(dir, "status", "--porcelain");
        final String dirty = status.map(s -> {
                    final long changed = s.lines().filter(l -> !l.isBlank()).count();
                    return changed == 0
                            ? "clean"
                            : "dirty (" + changed + " changed file" + (changed == 1 ? "" : "s") + ")";
                })
                .orElse(UNKNOWN);
        return new GitStamp(head.get(), dirty);
    }

    /** One line for the summary and the report's title. */
    public String describe() {
        return commit.equals(UNKNOWN) ? "commit unknown (not a git checkout)" : "commit " + commit + ", tree " + dirty;
    }

    /** The short form for a chart title: {@code 4c03935} or {@code 4c03935+dirty}. */
    public String shortForm() {
        if (commit.equals(UNKNOWN)) {
            return "commit unknown";
        }
        return commit.substring(0, 7) + (dirty.equals("clean") ? "" : dirty.equals(UNKNOWN) ? "+?" : "+dirty");
    }

    private static Optional<String> git(final Path dir, final String... args) {
        final List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        try {
            final Process p = new ProcessBuilder(cmd)
                    .directory(dir.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.getOutputStream().close();
            final byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return p.exitValue() == 0 ? Optional.of(new String(out, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (final IOException e) {
            return Optional.empty();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
