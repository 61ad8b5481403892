package dev.rotor.config;

import java.util.Arrays;

/**
 * A credential held in memory (a Vault token, an AppRole secret id). {@link #toString()} never shows it, so it cannot
 * leak through a log line, an exception message or a debugger's default view.
 */
public final class SecretValue {
    private final char[] value;

    private SecretValue(final char[] value) {
        this.value = value;
    }

    public static SecretValue of(final String value) {
        return new SecretValue(value.toCharArray());
    }

    /** Only for the code that sends it to Vault. */
    public String reveal() {
        return new String(value);
    }

    public boolean isEmpty() {
        return value.length == 0;
    }

    @Override
    public String toString() {
        return "[REDACTED]";
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof SecretValue s && Arrays.equals(value, s.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }
}
