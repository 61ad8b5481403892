package dev.rotor.redaction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a key (a metadata key, or the word before {@code =} / {@code :} in free text) names a secret, and so
 * whether its value is hidden. Case does not matter, and neither do separators: {@code DB_Password},
 * {@code db-password}, {@code db.password}, {@code dbPassword} and {@code DBPASSWORD} are all the same key.
 *
 * <ol>
 *   <li>The key is split into words at {@code - _ .}, spaces and lower-to-upper case changes.
 *   <li>{@link Verdict#NONE} when its last word describes rather than holds a value ({@link #QUALIFIERS}:
 *       {@code secret_path}, {@code token_type}, {@code password_reset}, {@code auth_method}, and the event codes
 *       {@code AWS_RISK_CREDENTIALS_EXPOSED} and {@code CredentialAccess} that SIEMs print before a colon).
 *   <li>{@link Verdict#ALWAYS} when a word, or two adjacent words joined, is one of {@link #SECRET_WORDS}
 *       ({@code password}, {@code api key}, {@code session id}, ...), the last word is one of {@link #SECRET_NOUNS}
 *       ({@code auth}, {@code pwd}, {@code session}: too common as a first word, as in {@code auth_failures}), or the
 *       key run together contains one of {@link #EMBEDDED} ({@code xsrftoken}, {@code setcookie}).
 *   <li>{@link Verdict#IF_RANDOM} when a word is one of {@link #KEY_WORDS} ({@code key}, {@code signature},
 *       {@code salt}): such a value is hidden only when it looks machine-made ({@link #looksRandom}), so that
 *       {@code encryption_key: 9f86d081884c7d65...} is hidden and {@code partition_key: orders} is not.
 * </ol>
 *
 * Limits: a heuristic, like every secret scanner's keyword list. It errs towards hiding: a harmless value under a
 * secret-sounding key ({@code session: morning}) is shown as {@link Redaction#REDACTED}.
 */
public final class SecretKeys {
    /** What to do with the value of a key. */
    public enum Verdict {
        /** The key names no secret: the value is still scanned for credential shapes. */
        NONE,
        /** The key names a secret: the value is hidden, whatever it is. */
        ALWAYS,
        /** The key may name a secret: the value is hidden when it looks machine-made. */
        IF_RANDOM
    }

    /** Words that name a secret wherever they stand in a key. */
    static final Set<String> SECRET_WORDS = Set.of(
            "password",
            "passwords",
            "passwd",
            "passphrase",
            "pass",
            "secret",
            "secrets",
            "token",
            "tokens",
            "apikey",
            "apikeys",
            "privatekey",
            "credential",
            "credentials",
            "creds",
            "authorization",
            "bearer",
            "cookie",
            "cookies",
            "sessionid",
            "sessionkey",
            "sessiontoken",
            "authkey",
            "secretkey",
            "jwt");
    /** Words that name a secret only as the last word of a key. */
    static final Set<String> SECRET_NOUNS = Set.of("pwd", "auth", "session", "sid", "pin", "otp");
    /** Secret words found even inside a run-together key such as {@code xsrftoken} or {@code dbpassword}. */
    static final List<String> EMBEDDED =
            List.of("password", "passwd", "secret", "token", "apikey", "privatekey", "credential", "cookie");
    /** Words whose value is hidden when it looks machine-made. */
    static final Set<String> KEY_WORDS = Set.of("key", "keys", "signature", "sig", "hmac", "salt");
    /** Last words that describe a secret rather than hold one. */
    static final Set<String> QUALIFIERS = Set.of(
            "type",
            "types",
            "kind",
            "path",
            "paths",
            "name",
            "names",
            "count",
            "length",
            "len",
            "policy",
            "policies",
            "ttl",
            "version",
            "format",
            "status",
            "method",
            "mode",
            "provider",
            "scheme",
            "rule",
            "rules",
            "field",
            "fields",
            "url",
            "uri",
            "endpoint",
            "expiry",
            "expires",
            "expiration",
            "expired",
            "age",
            "duration",
            "timeout",
            "reset",
            "hint",
            "strength",
            "attempt",
            "attempts",
            "failure",
            "failures",
            "failed",
            "errors",
            "retries",
            "required",
            "enabled",
            "rotation",
            "rotated",
            "changed",
            "updated",
            "created",
            "location",
            "manager",
            "store",
            "engine",
            "mount",
            "validity",
            "owner",
            "file",
            "files",
            "exposed",
            "leaked",
            "detected",
            "found",
            "compromised",
            "revoked",
            "missing",
            "invalid",
            "access");
    /** Values shorter than this never look machine-made. */
    static final int MIN_RANDOM_LENGTH = 16;
    /**
     * Verdicts of keys seen, since the same few metadata keys come with every event; bounded, so that senders making up
     * keys cannot grow it (once full, further keys are judged each time).
     */
    private static final int MAX_REMEMBERED = 4096;

    private static final Map<String, Verdict> REMEMBERED = new ConcurrentHashMap<>();

    private SecretKeys() {}

    /** The verdict for {@code key}; see the class comment. */
    public static Verdict judge(final String key) {
        if (key == null || key.isEmpty()) {
            return Verdict.NONE;
        }
        final Verdict known = REMEMBERED.get(key);
        if (known != null) {
            return known;
        }
        final Verdict verdict = judgeWords(words(key), key.length());
        if (REMEMBERED.size() < MAX_REMEMBERED && key.length() <= 128) {
            REMEMBERED.put(key, verdict);
        }
        return verdict;
    }

    private static Verdict judgeWords(final List<String> words, final int length) {
        if (words.isEmpty()) {
            return Verdict.NONE;
        }
        final String last = words.get(words.size() - 1);
        if (QUALIFIERS.contains(last)) {
            return Verdict.NONE;
        }
        if (SECRET_NOUNS.contains(last)) {
            return Verdict.ALWAYS;
        }
        final StringBuilder joined = new StringBuilder(length);
        for (int i = 0; i < words.size(); i++) {
            final String w = words.get(i);
            if (SECRET_WORDS.contains(w) || (i > 0 && SECRET_WORDS.contains(words.get(i - 1) + w))) {
                return Verdict.ALWAYS;
            }
            joined.append(w);
        }
        for (final String e : EMBEDDED) {
            if (joined.indexOf(e) >= 0) {
                return Verdict.ALWAYS;
            }
        }
        for (final String w : words) {
            if (KEY_WORDS.contains(w)) {
                return Verdict.IF_RANDOM;
            }
        }
        return Verdict.NONE;
    }

    /** Whether {@code value}, the value of {@code key}, is hidden on account of the key. */
    public static boolean hides(final String key, final String value) {
        return switch (judge(key)) {
            case ALWAYS -> true;
            case IF_RANDOM -> looksRandom(value);
            case NONE -> false;
        };
    }

    /**
     * Whether a value looks machine-made, the way secret scanners' entropy checks decide: at least
     * {@value #MIN_RANDOM_LENGTH} characters, no white space, letters and digits both present, and a Shannon entropy of
     * at least 3.5 bits per character (hex keys, base64 keys, UUIDs; not words, paths or host names).
     */
    public static boolean looksRandom(final String value) {
        if (value == null || value.length() < MIN_RANDOM_LENGTH || value.length() > 4096) {
            return false;
        }
        boolean letter = false;
        boolean digit = false;
        final int[] counts = new int[128];
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            if (c >= 128 || Character.isWhitespace(c)) {
                return false;
            }
            letter |= Character.isLetter(c);
            digit |= c >= '0' && c <= '9';
            counts[c]++;
        }
        if (!letter || !digit) {
            return false;
        }
        double entropy = 0;
        for (final int n : counts) {
            if (n > 0) {
                final double p = (double) n / value.length();
                entropy -= p * (Math.log(p) / Math.log(2));
            }
        }
        return entropy >= 3.5;
    }

    /** Lower-case words of a key, split at separators, spaces and lower-to-upper case changes. */
    static List<String> words(final String key) {
        final List<String> words = new ArrayList<>(4);
        final StringBuilder w = new StringBuilder();
        char previous = 0;
        for (int i = 0; i < key.length(); i++) {
            final char c = key.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                flush(w, words);
            } else {
                if (Character.isUpperCase(c) && Character.isLowerCase(previous)) {
                    flush(w, words);
                }
                w.append(Character.toLowerCase(c));
            }
            previous = c;
        }
        flush(w, words);
        return words;
    }

    private static void flush(final StringBuilder w, final List<String> words) {
        if (w.length() > 0) {
            words.add(w.toString().toLowerCase(Locale.ROOT));
            w.setLength(0);
        }
    }
}
