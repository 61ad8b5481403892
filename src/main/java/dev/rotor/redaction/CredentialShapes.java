package dev.rotor.redaction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Values shaped like well-known credentials, found wherever they stand in a text, whatever key (if any) they are under:
 * the shapes that secret scanners (gitleaks, trufflehog, GitHub secret scanning) know by their prefix or structure.
 * Each {@link Shape} names the literal strings one of which a text must contain before its pattern runs (all of them
 * looked for in one pass over the text, {@link NeedleIndex}, so clean text costs no regular expression at all), the
 * pattern, and which group is replaced by {@link Redaction#REDACTED}; the rest of the match (a URL's user, a PEM
 * block's armour lines, an authorisation scheme) is kept so the text stays readable.
 *
 * <p>Patterns are precompiled and anchored on a literal prefix. Each runs in time linear in the text: no nested
 * quantifiers; a long repetition is either bounded (at most 512 characters) or possessive and preceded by a look-behind
 * that refuses its own characters, so a run of token characters is scanned from its start only, once. The list, in the
 * order applied (the block and URL shapes first, so the shorter shapes do not cut them up):
 *
 * <table>
 *   <caption>shapes</caption>
 *   <tr><th>name</th><th>what</th></tr>
 *   <tr><td>private-key</td><td>PEM private key blocks ({@code -----BEGIN ... PRIVATE KEY-----}, RSA, EC, DSA,
 *       OPENSSH, ENCRYPTED, PGP ... BLOCK), to the END line or, for a cut text, to its end</td></tr>
 *   <tr><td>url-password</td><td>the password of a URL with credentials: {@code scheme://user:password@host}</td></tr>
 *   <tr><td>slack-webhook</td><td>{@code hooks.slack.com/services|workflows|triggers/...}</td></tr>
 *   <tr><td>aws-secret-access-key</td><td>40 base64 characters (upper, lower and digits) in a text that also holds an
 *       AWS access key id (alone, 40 such characters are too common to hide: hashes, ids)</td></tr>
 *   <tr><td>aws-access-key-id</td><td>{@code AKIA ASIA ABIA ACCA A3T?} + 16 upper-case letters or digits</td></tr>
 *   <tr><td>github-token</td><td>{@code ghp_ gho_ ghu_ ghs_ ghr_} + 36 or more, {@code github_pat_} + 22 or
 *       more</td></tr>
 *   <tr><td>gitlab-token</td><td>{@code glpat-} + 20 or more</td></tr>
 *   <tr><td>slack-token</td><td>{@code xoxa- xoxb- xoxe- xoxo- xoxp- xoxr- xoxs-}, {@code xapp-}</td></tr>
 *   <tr><td>stripe-key</td><td>{@code sk_ rk_ pk_} + {@code live_ test_} + 6 or more</td></tr>
 *   <tr><td>google-api-key</td><td>{@code AIza} + 35</td></tr>
 *   <tr><td>vault-token</td><td>{@code hvs. hvb. hvr.} + 20 or more</td></tr>
 *   <tr><td>npm-token, pypi-token, sendgrid-key</td><td>{@code npm_} + 36, {@code pypi-AgEIcHlwaS5vcmc...},
 *       {@code SG.} + 22 + {@code .} + 43</td></tr>
 *   <tr><td>openai-style-key</td><td>{@code sk-proj- sk-ant- sk-} + 20 or more, with letters and digits</td></tr>
 *   <tr><td>jwt</td><td>{@code eyJ...}{@code .eyJ...}(.signature): a JSON Web Token, also when cut after its
 *       payload</td></tr>
 *   <tr><td>bearer</td><td>{@code Bearer <token>} (any case) where the token has a digit or a symbol</td></tr>
 *   <tr><td>basic-auth</td><td>{@code Basic <base64>} (any case) that decodes to {@code user:password}</td></tr>
 * </table>
 */
final class CredentialShapes {
    /** A token boundary: the character before a match is no part of a token. */
    private static final String START = "(?<![A-Za-z0-9])";

    private static final String END = "(?![A-Za-z0-9_-])";

    /**
     * One credential shape.
     *
     * @param name for documentation and tests
     * @param needles the text must contain one of these (case-sensitive unless {@code ignoreCase}) for the pattern to
     *     run
     * @param ignoreCase whether the needles are matched ignoring case (they must then be given in lower case)
     * @param pattern what a credential of this shape looks like
     * @param group the group replaced ({@code 0}: the whole match)
     * @param accept a further check on the replaced group (entropy, decoding), or always true
     * @param requires a pattern the text must also contain for this shape to apply, or null
     */
    record Shape(
            String name,
            List<String> needles,
            boolean ignoreCase,
            Pattern pattern,
            int group,
            Predicate<String> accept,
            Pattern requires) {
        Shape(
                final String name,
                final List<String> needles,
                final boolean ignoreCase,
                final Pattern pattern,
                final int group,
                final Predicate<String> accept) {
            this(name, needles, ignoreCase, pattern, group, accept, null);
        }

        boolean mayMatch(final String text) {
            for (final String n : needles) {
                if (ignoreCase ? containsIgnoringCase(text, n) : text.contains(n)) {
                    return requires == null || requires.matcher(text).find();
                }
            }
            return false;
        }

        /** The text with every accepted match's group replaced, or the same instance when nothing matched. */
        String apply(final String text) {
            final Matcher m = pattern.matcher(text);
            StringBuilder out = null;
            int copied = 0;
            while (m.find()) {
                final int start = m.start(group);
                final int end = m.end(group);
                if (start < 0
                        || start == end
                        || !accept.test(m.group(group))
                        || text.startsWith(Redaction.REDACTED, start)) {
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(text.length());
                }
                out.append(text, copied, start).append(Redaction.REDACTED);
                copied = end;
            }
            if (out == null) {
                return text;
            }
            return out.append(text, copied, text.length()).toString();
        }
    }

    /** Whether {@code text} contains {@code lowerNeedle} in any case, without copying the text. */
    static boolean containsIgnoringCase(final String text, final String lowerNeedle) {
        final char first = lowerNeedle.charAt(0);
        final int last = text.length() - lowerNeedle.length();
        for (int i = 0; i <= last; i++) {
            if (Character.toLowerCase(text.charAt(i)) == first
                    && text.regionMatches(true, i, lowerNeedle, 0, lowerNeedle.length())) {
                return true;
            }
        }
        return false;
    }

    /** No shape matches fewer characters than this ({@code a://u:p@}, {@code basic dTpw}). */
    private static final int SHORTEST = 8;

    private static final Pattern AWS_KEY_ID =
            Pattern.compile("(?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Z0-9])");
    private static final List<String> AWS_KEY_ID_NEEDLES = List.of("AKIA", "ASIA", "ABIA", "ACCA", "A3T");

    static final List<Shape> SHAPES = List.of(
            shape(
                    "private-key",
                    List.of("PRIVATE KEY"),
                    "(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)([\\s\\S]*?)"
                            + "(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----|\\z)",
                    2),
            shape(
                    "url-password",
                    List.of("://"),
                    "(?i)\\b[a-z][a-z0-9+.-]{0,30}://[^\\s:/?#@\"'<>\\[\\]]{1,256}:([^\\s/?#\"'<>]{1,256})@",
                    1),
            shape(
                    "slack-webhook",
                    List.of("hooks.slack.com"),
                    "hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9_/+-]{8,512}+)",
                    1),
            new Shape(
                    "aws-secret-access-key",
                    AWS_KEY_ID_NEEDLES,
                    false,
                    Pattern.compile("(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"),
                    0,
                    CredentialShapes::mixedCaseAndDigits,
                    AWS_KEY_ID),
            new Shape("aws-access-key-id", AWS_KEY_ID_NEEDLES, false, AWS_KEY_ID, 0, s -> true),
            shape(
                    "github-token",
                    List.of("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
                    "(?:" + START + "gh[pousr]_[A-Za-z0-9]{36,255}+|(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255}+)"
                            + END,
                    0),
            shape("gitlab-token", List.of("glpat-"), START + "glpat-[A-Za-z0-9_-]{20,255}+", 0),
            shape(
                    "slack-token",
                    List.of("xox", "xapp-"),
                    START + "(?:xox[abeoprs]-[A-Za-z0-9-]{10,255}+|xapp-[0-9]-[A-Za-z0-9-]{10,255}+)",
                    0),
            shape("stripe-key", List.of("_live_", "_test_"), START + "[spr]k_(?:live|test)_[A-Za-z0-9]{6,255}+", 0),
            shape("google-api-key", List.of("AIza"), START + "AIza[0-9A-Za-z_-]{35}" + END, 0),
            shape("vault-token", List.of("hvs.", "hvb.", "hvr."), START + "hv[sbr]\\.[A-Za-z0-9_-]{20,512}+", 0),
            shape("npm-token", List.of("npm_"), START + "npm_[A-Za-z0-9]{36}" + END, 0),
            shape(
                    "pypi-token",
                    List.of("pypi-AgEIcHlwaS5vcmc"),
                    START + "pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,512}+",
                    0),
            shape("sendgrid-key", List.of("SG."), START + "SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}" + END, 0),
            new Shape(
                    "openai-style-key",
                    List.of("sk-"),
                    false,
                    Pattern.compile(START + "sk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,255}+"),
                    0,
                    CredentialShapes::lettersAndDigits),
            shape(
                    "jwt",
                    List.of("eyJ"),
                    "(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}+\\.eyJ[A-Za-z0-9_-]{5,}+" + "(?:\\.[A-Za-z0-9_-]*+)?",
                    0),
            new Shape(
                    "bearer",
                    List.of("bearer"),
                    true,
                    Pattern.compile("(?i)\\bbearer[ \\t]{1,8}([A-Za-z0-9._~+/-]{8,}+=*+)"),
                    1,
                    CredentialShapes::notAWord),
            new Shape(
                    "basic-auth",
                    List.of("basic"),
                    true,
                    Pattern.compile("(?i)\\bbasic[ \\t]{1,8}([A-Za-z0-9+/]{4,}+={0,2}+)(?![A-Za-z0-9+/=])"),
                    1,
                    CredentialShapes::decodesToUserAndPassword));

    private static final NeedleIndex NEEDLES = new NeedleIndex(SHAPES);

    private CredentialShapes() {}

    /** The text with every credential-shaped value replaced, or the same instance when there is none. */
    static String redact(final String text) {
        if (text.length() < SHORTEST) {
            return text;
        }
        final long candidates = NEEDLES.candidates(text);
        if (candidates == 0) {
            return text; // nearly every text: one pass over it, no scan per needle, no pattern
        }
        String out = text;
        for (int k = 0; k < SHAPES.size(); k++) {
            // a needle cannot appear by redacting ("[REDACTED]" holds none), so a shape the first pass ruled out
            // stays out; one it kept is checked again on the text as redacted so far
            if ((candidates & (1L << k)) != 0 && SHAPES.get(k).mayMatch(out)) {
                out = SHAPES.get(k).apply(out);
            }
        }
        return out;
    }

    /**
     * Every shape's needles, by their first character: {@link #candidates} finds in one pass over a text which shapes
     * may match it, instead of one scan of the text per needle (a text is an event's description or a metadata value,
     * redacted for every event).
     */
    static final class NeedleIndex {
        /** One needle and the bit of its shape (its index in {@link #SHAPES}). */
        private record Needle(String text, long shapeBit, boolean ignoreCase) {}

        /** Needles starting with each ASCII character; a needle matched ignoring case is under both cases. */
        private final Needle[][] byFirst = new Needle[128][];

        NeedleIndex(final List<Shape> shapes) {
            if (shapes.size() > Long.SIZE) {
                throw new IllegalArgumentException("at most 64 shapes fit the candidates' bits");
            }
            final List<List<Needle>> lists = new ArrayList<>();
            for (int c = 0; c < 128; c++) {
                lists.add(new ArrayList<>());
            }
            for (int k = 0; k < shapes.size(); k++) {
                final Shape s = shapes.get(k);
                for (final String n : s.needles()) {
                    if (n.chars().anyMatch(c -> c >= 128)) {
                        throw new IllegalArgumentException("needles are ASCII: " + s.name());
                    }
                    final Needle needle = new Needle(n, 1L << k, s.ignoreCase());
                    final char first = n.charAt(0);
                    lists.get(first).add(needle);
                    if (s.ignoreCase() && Character.toUpperCase(first) != first) {
                        lists.get(Character.toUpperCase(first)).add(needle);
                    }
                }
            }
            for (int c = 0; c < 128; c++) {
                byFirst[c] = lists.get(c).isEmpty() ? null : lists.get(c).toArray(Needle[]::new);
            }
        }

        /** The bits of the shapes one of whose needles {@code text} contains. */
        long candidates(final String text) {
            long found = 0;
            for (int i = 0; i < text.length(); i++) {
                final char c = text.charAt(i);
                if (c >= 128 || byFirst[c] == null) {
                    continue;
                }
                for (final Needle n : byFirst[c]) {
                    if ((found & n.shapeBit()) == 0
                            && text.regionMatches(
                                    n.ignoreCase(), i, n.text(), 0, n.text().length())) {
                        found |= n.shapeBit();
                    }
                }
            }
            return found;
        }
    }

    private static Shape shape(final String name, final List<String> needles, final String regex, final int group) {
        return new Shape(name, needles, false, Pattern.compile(regex), group, s -> true);
    }

    private static boolean mixedCaseAndDigits(final String s) {
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
        }
        return upper && lower && digit;
    }

    private static boolean lettersAndDigits(final String s) {
        boolean letter = false;
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            letter |= Character.isLetter(c);
            digit |= c >= '0' && c <= '9';
        }
        return letter && digit;
    }

    /** A bearer token has a digit or a symbol; "Bearer authentication failed" is prose. */
    private static boolean notAWord(final String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isLetter(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** "Basic dXNlcjpwYXNz" is a credential when it decodes to user:password; "basic authentication" is not. */
    private static boolean decodesToUserAndPassword(final String s) {
        try {
            final String decoded = new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
            return decoded.indexOf(':') > 0;
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }
}
