package dev.rotor.config;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a secret path may ever reach Vault. Checked before anything else sees the path, so that an event
 * cannot steer rotor to a path outside the operator's allowlist, or smuggle a different path through URL handling.
 *
 * <ol>
 *   <li>Normalises: one leading {@code /} is dropped.
 *   <li>Always refuses: empty paths, paths over 512 characters, empty segments ({@code a//b}, trailing {@code /}),
 *       {@code .} and {@code ..} segments, and any character outside ASCII letters, digits, {@code /} and
 *       {@value #SEGMENT_PUNCTUATION} (so nothing in a path needs URL escaping: no escapes, queries, fragments, globs,
 *       braces, pipes, quotes, white space or control characters); paths under {@code sys/} and {@code auth/} (Vault's
 *       own configuration and credentials backends), whatever the case.
 *   <li>Then requires a matching target in {@code rotation-targets.yaml} (the allowlist).
 * </ol>
 */
public final class SecretPathPolicy {
    static final int MAX_LENGTH = 512;
    /** Besides ASCII letters and digits, the only characters a path segment may hold. */
    public static final String SEGMENT_PUNCTUATION = "-_.~@+=,";

    /** The outcome for one path: {@code refusal} is empty when the path may be rotated. */
    public record Verdict(String path, Optional<String> refusal) {
        public boolean allowed() {
            return refusal.isEmpty();
        }
    }

    private final RotationTargets targets;

    public SecretPathPolicy(final RotationTargets targets) {
        this.targets = targets;
    }

    public Verdict check(final String raw) {
        final String path = raw.startsWith("/") ? raw.substring(1) : raw;
        final Optional<String> problem = structuralProblem(path);
        if (problem.isPresent()) {
            return new Verdict(path, problem);
        }
        if (targets.match(path).isEmpty()) {
            return new Verdict(path, Optional.of("matches no target in the rotation targets (allowlist)"));
        }
        return new Verdict(path, Optional.empty());
    }

    /**
     * Whether {@code path} may be sent to Vault at all: at most {@value #MAX_LENGTH} characters, only
     * {@link #characterProblem allowed characters and segments}, and not under {@code sys/} or {@code auth/}.
     */
    public static Optional<String> structuralProblem(final String path) {
        if (path.isEmpty()) {
            return Optional.of("empty path");
        }
        if (path.length() > MAX_LENGTH) {
            return Optional.of("longer than " + MAX_LENGTH + " characters");
        }
        final Optional<String> characters = characterProblem(path);
        if (characters.isPresent()) {
            return characters;
        }
        final String lower = path.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sys/") || lower.startsWith("auth/")) {
            return Optional.of("sys/ and auth/ paths are never rotated");
        }
        return Optional.empty();
    }

    /**
     * The strict character set of any path rotor puts in a Vault URL (secret paths and the API paths built from them):
     * non-empty segments separated by {@code /}, none of them {@code .} or {@code ..}, made of ASCII letters, digits
     * and {@value #SEGMENT_PUNCTUATION} only — characters that a URL path carries without escaping. Anything else
     * ({@code % ? # \ * { } | ^ " < > [ ]}, white space, control or non-ASCII characters) is refused rather than
     * escaped: an escaped path could name a different secret than the one the allowlist approved.
     */
    public static Optional<String> characterProblem(final String path) {
        if (path.isEmpty()) {
            return Optional.of("empty path");
        }
        for (int i = 0; i < path.length(); i++) {
            final char c = path.charAt(i);
            if (c == '/'
                    || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || SEGMENT_PUNCTUATION.indexOf(c) >= 0) {
                continue;
            }
            if (Character.isISOControl(c)) {
                return Optional.of("contains a control character");
            }
            if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return Optional.of("contains white space");
            }
            return Optional.of(
                    c > 0x20 && c < 0x7f
                            ? "contains '" + c + "'"
                            : String.format(
                                    "contains U+%04X (only ASCII letters, digits, / and %s are allowed)",
                                    (int) c, SEGMENT_PUNCTUATION));
        }
        for (final String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return Optional.of("has an empty segment");
            }
            if (segment.equals(".") || segment.equals("..")) {
                return Optional.of("has a '" + segment + "' segment");
            }
        }
        return Optional.empty();
    }

    /** The path as it may appear in a message: control characters escaped, length capped. */
    public static String printable(final String path) {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < path.length() && b.length() < 200; i++) {
            final char c = path.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= 200) {
            b.append('…');
        }
        return b.toString();
    }
}
