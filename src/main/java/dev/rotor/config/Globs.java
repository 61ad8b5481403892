package dev.rotor.config;

import java.util.regex.Pattern;

/**
 * rotor's one glob syntax (rotation targets, principal mappings): {@code *} matches within one path segment, {@code **}
 * across segments, {@code ?} one character other than {@code /}; everything else stands for itself.
 */
final class Globs {
    private Globs() {}

    /** {@code glob} as a regular expression. */
    static Pattern compile(final String glob) {
        return compile(glob, false);
    }

    /** {@code glob} as a regular expression in which each wildcard is a capturing group, counted in order. */
    static Pattern withCaptures(final String glob) {
        return compile(glob, true);
    }

    private static Pattern compile(final String glob, final boolean capture) {
        final StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            final char c = glob.charAt(i);
            final String part;
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                part = ".*";
                i++;
            } else if (c == '*') {
                part = "[^/]*";
            } else if (c == '?') {
                part = "[^/]";
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
                continue;
            }
            re.append(capture ? "(" + part + ")" : part);
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
