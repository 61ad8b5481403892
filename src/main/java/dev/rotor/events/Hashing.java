package dev.rotor.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stable ids: the same inputs give the same id on every instance and after every restart. */
public final class Hashing {
    private Hashing() {}

    /** SHA-256 over the parts (each length-prefixed, so ("ab","c") and ("a","bc") differ), as 32 hex digits. */
    public static String id(final String... parts) {
        final MessageDigest digest = sha256();
        for (final String part : parts) {
            final byte[] b = (part == null ? "\u0000null" : part).getBytes(StandardCharsets.UTF_8);
            digest.update(intBytes(b.length));
            digest.update(b);
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 16);
    }

    /** A 64-bit FNV-1a hash, for compact duplicate detection in state stores. */
    public static long fingerprint(final String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            h ^= c & 0xff;
            h *= 0x100000001b3L;
            h ^= c >>> 8;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static byte[] intBytes(final int n) {
        return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
