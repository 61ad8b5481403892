package dev.rotor.devvault;

import java.security.SecureRandom;
import java.util.UUID;

/** Random identifiers and secret values. Everything comes from one {@link SecureRandom}. */
final class Secrets {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Secrets() {}

    static String alnum(int length) {
        return pick(ALNUM, length);
    }

    /** A password with at least one upper-case letter, lower-case letter and digit (Vault's default policy shape). */
    static String password() {
        while (true) {
            String candidate = alnum(24);
            if (candidate.chars().anyMatch(Character::isUpperCase)
                    && candidate.chars().anyMatch(Character::isLowerCase)
                    && candidate.chars().anyMatch(Character::isDigit)) {
                return candidate;
            }
        }
    }

    /** An AWS-style access key id: {@code AKIA} and 16 upper-case letters/digits. */
    static String awsAccessKeyId() {
        return "AKIA" + pick(UPPER_ALNUM, 16);
    }

    /** A random (version 4) UUID string, as Vault uses for request ids, accessors and entity ids. */
    static String uuid() {
        return UUID.randomUUID().toString();
    }

    /** A service token id in the current {@code hvs.} format. */
    static String serviceToken() {
        return "hvs." + alnum(24);
    }

    static String hex(int bytes) {
        byte[] raw = bytes(bytes);
        char[] out = new char[raw.length * 2];
        for (int i = 0; i < raw.length; i++) {
            out[2 * i] = HEX[(raw[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[raw[i] & 0xf];
        }
        return new String(out);
    }

    static byte[] bytes(int n) {
        byte[] raw = new byte[n];
        RANDOM.nextBytes(raw);
        return raw;
    }

    private static String pick(String alphabet, int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return out.toString();
    }
}
