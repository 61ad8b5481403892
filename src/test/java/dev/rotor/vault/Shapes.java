package dev.rotor.vault;

import java.util.regex.Pattern;

/** Shape checks for generated values that return booleans, so a failing assertion never prints the value. */
final class Shapes {
    private static final Pattern UUID4 =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");

    private Shapes() {}

    static boolean defaultAlphabet(final String v, final int length) {
        return v != null
                && v.length() == length
                && v.chars().allMatch(c -> SecretGenerator.DEFAULT_ALPHABET.indexOf(c) >= 0);
    }

    static boolean hex(final String v, final int length) {
        return v != null && v.length() == length && v.chars().allMatch(c -> "0123456789abcdef".indexOf(c) >= 0);
    }

    static boolean uuid(final String v) {
        return v != null && UUID4.matcher(v).matches();
    }
}
