package dev.rotor.vault;

import dev.rotor.config.ConfigException;
import dev.rotor.config.TargetEntry;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Generates new secret values from {@link SecureRandom} only. Configured per target with a {@code generator:} block:
 *
 * <pre>
 * generator:
 *   length: 40            # 16..128, default 32 (characters of the random part; hex digits for format hex)
 *   alphabet: "abc...789" # default: a-z A-Z 0-9 !@#$%^&amp;* (the seed's 70 characters)
 *   format: hex | uuid    # instead of an alphabet; uuid ignores length
 *   prefix: "sk_live_"    # prepended, not counted in length
 * </pre>
 *
 * {@link #toString()} describes the shape, never a value.
 */
public final class SecretGenerator {
    /** The seed's 70 characters. */
    public static final String DEFAULT_ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*";

    public static final int DEFAULT_LENGTH = 32;
    public static final int MIN_LENGTH = 16;
    public static final int MAX_LENGTH = 128;
    private static final String HEX = "0123456789abcdef";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the random part looks like. */
    public enum Format {
        ALPHABET,
        HEX,
        UUID
    }

    private final Format format;
    private final int length;
    private final String alphabet;
    private final String prefix;

    private SecretGenerator(final Format format, final int length, final String alphabet, final String prefix) {
        this.format = format;
        this.length = length;
        this.alphabet = alphabet;
        this.prefix = prefix;
    }

    /** 32 characters of the seed's alphabet. */
    public static SecretGenerator defaults() {
        return new SecretGenerator(Format.ALPHABET, DEFAULT_LENGTH, DEFAULT_ALPHABET, "");
    }

    /**
     * The generator a target's {@code generator:} block describes ({@code null} = defaults). Jackson bound the block,
     * so every value has its type; this checks the ranges and the combinations.
     *
     * @param key the block's name for error messages, e.g. {@code rotation-targets.yaml targets[2].generator}
     * @throws ConfigException naming the offending key
     */
    public static SecretGenerator of(final TargetEntry.Generator options, final String key) {
        if (options == null) {
            return defaults();
        }
        Format format = Format.ALPHABET;
        if (options.format() != null) {
            final String f = options.format();
            format = switch (f) {
                case "hex" -> Format.HEX;
                case "uuid" -> Format.UUID;
                default -> throw new ConfigException(key + ".format", "must be hex or uuid, got '" + f + "'");
            };
            if (options.alphabet() != null) {
                throw new ConfigException(key + ".alphabet", "cannot be combined with format " + f);
            }
            if (format == Format.UUID && options.length() != null) {
                throw new ConfigException(
                        key + ".length", "cannot be combined with format uuid (always 36 characters)");
            }
        }
        final int length = options.length() == null ? DEFAULT_LENGTH : options.length();
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new ConfigException(
                    key + ".length", "must be from " + MIN_LENGTH + " to " + MAX_LENGTH + ", got " + length);
        }
        final String alphabet = options.alphabet() == null ? DEFAULT_ALPHABET : options.alphabet();
        validateAlphabet(alphabet, key + ".alphabet");
        final String prefix = options.prefix() == null ? "" : options.prefix();
        if (prefix.length() > 64
                || prefix.chars().anyMatch(c -> Character.isISOControl(c) || Character.isWhitespace(c))) {
            throw new ConfigException(
                    key + ".prefix", "must be at most 64 characters without spaces or control characters");
        }
        return new SecretGenerator(format, length, alphabet, prefix);
    }

    private static void validateAlphabet(final String alphabet, final String key) {
        final Set<Character> seen = new HashSet<>();
        for (int i = 0; i < alphabet.length(); i++) {
            final char c = alphabet.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSurrogate(c)) {
                throw new ConfigException(key, "must not contain spaces, control characters or surrogate pairs");
            }
            if (!seen.add(c)) {
                throw new ConfigException(key, "repeats the character '" + c + "' (repeats bias the output)");
            }
        }
        if (seen.size() < 2) {
            throw new ConfigException(key, "needs at least 2 distinct characters");
        }
    }

    /** A new value: prefix + random part. */
    public String generate() {
        final StringBuilder out = new StringBuilder(prefix.length() + Math.max(length, 36)).append(prefix);
        switch (format) {
            case UUID -> out.append(uuid());
            case HEX -> appendRandom(out, HEX, length);
            default -> appendRandom(out, alphabet, length);
        }
        return out.toString();
    }

    private static void appendRandom(final StringBuilder out, final String chars, final int n) {
        for (int i = 0; i < n; i++) {
            out.append(chars.charAt(RANDOM.nextInt(chars.length())));
        }
    }

    /** A version 4 (random) UUID built from this class's SecureRandom. */
    private static String uuid() {
        final byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        final StringBuilder s = new StringBuilder(36);
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                s.append('-');
            }
            s.append(HEX.charAt((b[i] >> 4) & 0xf)).append(HEX.charAt(b[i] & 0xf));
        }
        return s.toString();
    }

    public Format format() {
        return format;
    }

    public int length() {
        return format == Format.UUID ? 36 : length;
    }

    public String prefix() {
        return prefix;
    }

    @Override
    public String toString() {
        return "SecretGenerator[format=" + format.name().toLowerCase(Locale.ROOT) + ", length=" + length()
                + (format == Format.ALPHABET ? ", alphabet=" + alphabet.length() + " characters" : "")
                + (prefix.isEmpty() ? "" : ", prefix=" + prefix) + "]";
    }
}
