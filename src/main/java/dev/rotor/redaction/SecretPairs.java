package dev.rotor.redaction;

import java.util.Locale;
import java.util.Set;

/**
 * Key and value pairs in free text whose key names a secret ({@link SecretKeys}): the value is replaced by
 * {@link Redaction#REDACTED}, the key and the punctuation around the value are kept.
 *
 * <ol>
 *   <li>Forms: {@code key=value}, {@code key: value}, {@code key => value}, {@code key := value}, quoted keys and
 *       values as in JSON ({@code "password": "hunter2"}, also with escaped quotes as in JSON inside a JSON string),
 *       URL query parameters ({@code ?token=abc&x=1}), HTTP headers ({@code Authorization: Bearer abc}: the scheme is
 *       kept, the credentials hidden), command-line flags ({@code --password hunter2}) and XML elements
 *       ({@code <password>hunter2</password>}).
 *   <li>Keys: the word (letters, digits, {@code _ - .}) right before the separator; when that word is one of
 *       {@link #EXTENDERS} the word before it counts too ({@code api key: ...}, {@code session id: ...},
 *       {@code password is: ...}). A key over {@value #MAX_KEY} characters is no key.
 *   <li>Values: a quoted value up to its closing quote; an unquoted one up to white space or one of {@code , ; & ) ] }
 *       < > " ' `}, at most {@value #MAX_VALUE} characters. So a password that contains one of these characters and is
 *       not quoted is hidden only up to it.
 *   <li>Cost: one pass; a separator costs a backward look of at most {@value #MAX_KEY} characters, and a value is read
 *       (at most {@value #MAX_VALUE} characters ahead) only when its key names a secret; every search is bounded, so
 *       the whole is linear in the text. A text with none of {@code = : -- <} costs four {@code indexOf}s.
 * </ol>
 */
final class SecretPairs {
    static final int MAX_KEY = 64;
    static final int MAX_VALUE = 1024;
    /** A key word that takes the word before it along: "api key", "session id", "password is". */
    static final Set<String> EXTENDERS = Set.of("key", "keys", "id", "is", "was", "value", "string", "header");
    /** Authorisation schemes kept before the credentials they introduce. */
    private static final Set<String> SCHEMES = Set.of(
            "bearer",
            "basic",
            "digest",
            "token",
            "negotiate",
            "ntlm",
            "apikey",
            "sso-key",
            "ssws",
            "aws4-hmac-sha256",
            "hmac",
            "key");

    private SecretPairs() {}

    private record Span(int start, int end) {
        boolean isEmpty() {
            return end <= start;
        }
    }

    /** The text with the value of every secret-named key replaced, or the same instance when there is none. */
    static String redact(final String text) {
        if (text.indexOf('=') < 0 && text.indexOf(':') < 0 && text.indexOf("--") < 0 && text.indexOf('<') < 0) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        final int n = text.length();
        while (i < n) {
            final char c = text.charAt(i);
            Span hidden = null;
            if (c == '=' || c == ':') {
                hidden = afterSeparator(text, i);
            } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-' && (i == 0 || isSpace(text.charAt(i - 1)))) {
                hidden = afterFlag(text, i);
            } else if (c == '<') {
                hidden = inElement(text, i);
            }
            if (hidden == null) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(text, copied, hidden.start()).append(Redaction.REDACTED);
            copied = hidden.end();
            i = Math.max(i + 1, hidden.end());
        }
        return out == null ? text : out.append(text, copied, n).toString();
    }

    /** The value to hide after the separator at {@code sep}, or null. */
    private static Span afterSeparator(final String text, final int sep) {
        if (text.charAt(sep) == ':' && text.startsWith("//", sep + 1)) {
            return null; // a URL's scheme; credentials in URLs are CredentialShapes' business
        }
        final String key = keyBefore(text, sep);
        if (key == null) {
            return null;
        }
        final SecretKeys.Verdict verdict = SecretKeys.judge(key);
        if (verdict == SecretKeys.Verdict.NONE) {
            return null;
        }
        final Span value = valueAt(text, valueStart(text, sep));
        return hides(text, verdict, value) ? value : null;
    }

    /** {@code --name value}: the value of a secret-named flag. */
    private static Span afterFlag(final String text, final int dashes) {
        int end = dashes + 2;
        while (end < text.length() && end - dashes < MAX_KEY && isKeyChar(text.charAt(end))) {
            end++;
        }
        if (end == dashes + 2 || end + 1 >= text.length() || text.charAt(end) != ' ' || text.charAt(end + 1) == '-') {
            return null;
        }
        final String key = text.substring(dashes + 2, end);
        final SecretKeys.Verdict verdict = SecretKeys.judge(key);
        if (verdict == SecretKeys.Verdict.NONE) {
            return null;
        }
        final Span value = valueAt(text, end + 1);
        return hides(text, verdict, value) ? value : null;
    }

    /** {@code <name>value</name>}: the value of a secret-named element. */
    private static Span inElement(final String text, final int open) {
        int end = open + 1;
        while (end < text.length() && end - open <= MAX_KEY && isKeyChar(text.charAt(end))) {
            end++;
        }
        if (end == open + 1 || end >= text.length() || text.charAt(end) != '>') {
            return null;
        }
        final String key = text.substring(open + 1, end);
        final SecretKeys.Verdict verdict = SecretKeys.judge(key);
        if (verdict == SecretKeys.Verdict.NONE) {
            return null;
        }
        final int start = end + 1;
        final int close = indexWithin(text, "<", start, start + MAX_VALUE); // a value holds no <
        if (close < 0 || !text.startsWith("</" + key + ">", close)) {
            return null;
        }
        final Span value = new Span(start, close);
        return hides(text, verdict, value) ? value : null;
    }

    private static boolean hides(final String text, final SecretKeys.Verdict verdict, final Span value) {
        if (value.isEmpty() || text.startsWith(Redaction.REDACTED, value.start())) {
            return false;
        }
        return verdict == SecretKeys.Verdict.ALWAYS
                || SecretKeys.looksRandom(text.substring(value.start(), value.end()));
    }

    /**
     * The key before the separator at {@code sep}: the word there (after optional spaces and a closing quote, which may
     * be escaped), with the word before it when that word is an {@link #EXTENDERS extender}; null when there is none.
     */
    private static String keyBefore(final String text, final int sep) {
        int j = sep - 1;
        for (int skipped = 0; j >= 0 && (text.charAt(j) == ' ' || text.charAt(j) == '\t') && skipped < 3; skipped++) {
            j--;
        }
        if (j >= 0 && isQuote(text.charAt(j))) {
            j--;
            while (j >= 0 && text.charAt(j) == '\\') {
                j--;
            }
        }
        final int end = j + 1;
        while (j >= 0 && end - j <= MAX_KEY && isKeyChar(text.charAt(j))) {
            j--;
        }
        if (j >= 0 && isKeyChar(text.charAt(j))) {
            return null; // longer than any key: a blob, not a name
        }
        final int start = j + 1;
        if (start >= end) {
            return null;
        }
        if (!hasLetter(text, start, end)) {
            return null; // "10:30", "2001:db8": numbers, not names
        }
        final String word = text.substring(start, end);
        if (start >= 2 && text.charAt(start - 1) == ' ' && EXTENDERS.contains(word.toLowerCase(Locale.ROOT))) {
            int k = start - 2;
            while (k >= 0 && start - 1 - k <= MAX_KEY && Character.isLetterOrDigit(text.charAt(k))) {
                k--;
            }
            if (k + 1 < start - 1) {
                return text.substring(k + 1, end);
            }
        }
        return word;
    }

    /** Where the value after the separator at {@code sep} begins ({@code =>}, {@code :=}, spaces skipped). */
    private static int valueStart(final String text, final int sep) {
        int k = sep + 1;
        if (text.charAt(sep) == '=' && k < text.length() && text.charAt(k) == '>') {
            k++;
        }
        while (k < text.length() && k - sep < 3 && (text.charAt(k) == '=' || text.charAt(k) == ':')) {
            k++;
        }
        for (int skipped = 0;
                k < text.length() && (text.charAt(k) == ' ' || text.charAt(k) == '\t') && skipped < 8;
                skipped++) {
            k++;
        }
        return k;
    }

    /**
     * The value starting at {@code k}: inside its quotes when quoted (escaped quotes too), else up to a delimiter; an
     * authorisation scheme at its start is left out.
     */
    private static Span valueAt(final String text, final int k) {
        final int n = text.length();
        if (k >= n) {
            return new Span(k, k);
        }
        int q = k;
        while (q < n && q - k < 3 && text.charAt(q) == '\\') {
            q++;
        }
        if (q < n && isQuote(text.charAt(q))) {
            final String closing = text.substring(k, q + 1);
            final int start = q + 1;
            int end = indexWithin(text, closing, start, start + MAX_VALUE);
            if (end < 0) {
                end = lineEnd(text, start);
            }
            return new Span(schemeEnd(text, start, end), end);
        }
        int end = k;
        while (end < n && end - k < MAX_VALUE && !isDelimiter(text.charAt(end))) {
            end++;
        }
        if (end < n
                && text.charAt(end) == ' '
                && SCHEMES.contains(text.substring(k, end).toLowerCase(Locale.ROOT))) {
            // "Authorization: Bearer abc": the scheme is the word, the credentials follow it
            int start = end;
            while (start < n && text.charAt(start) == ' ') {
                start++;
            }
            int credentials = start;
            while (credentials < n && credentials - start < MAX_VALUE && !isDelimiter(text.charAt(credentials))) {
                credentials++;
            }
            return new Span(start, credentials);
        }
        return new Span(k, end);
    }

    /** Within a quoted value, the position after a leading authorisation scheme and its spaces, else {@code start}. */
    private static int schemeEnd(final String text, final int start, final int end) {
        final int space = indexWithin(text, " ", start, end - 1);
        if (space < 0 || !SCHEMES.contains(text.substring(start, space).toLowerCase(Locale.ROOT))) {
            return start;
        }
        int k = space;
        while (k < end && text.charAt(k) == ' ') {
            k++;
        }
        return k;
    }

    /** Where {@code s} first occurs at or after {@code from} and at or before {@code last}, or -1: a bounded search. */
    private static int indexWithin(final String text, final String s, final int from, final int last) {
        final int end = Math.min(last, text.length() - s.length());
        for (int i = from; i <= end; i++) {
            if (text.startsWith(s, i)) {
                return i;
            }
        }
        return -1;
    }

    private static int lineEnd(final String text, final int start) {
        final int newline = indexWithin(text, "\n", start, start + MAX_VALUE);
        return newline < 0 ? Math.min(text.length(), start + MAX_VALUE) : newline;
    }

    private static boolean hasLetter(final String text, final int start, final int end) {
        for (int i = start; i < end; i++) {
            if (Character.isLetter(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isKeyChar(final char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.');
    }

    private static boolean isQuote(final char c) {
        return c == '"' || c == '\'' || c == '`';
    }

    private static boolean isSpace(final char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    private static boolean isDelimiter(final char c) {
        return Character.isWhitespace(c)
                || c == ','
                || c == ';'
                || c == '&'
                || c == ')'
                || c == ']'
                || c == '}'
                || c == '<'
                || c == '>'
                || isQuote(c);
    }
}
