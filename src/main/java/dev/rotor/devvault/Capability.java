package dev.rotor.devvault;

import java.util.Locale;

/** A Vault ACL capability. {@link #DENY} on the matching rule wins over everything else. */
public enum Capability {
    CREATE,
    READ,
    UPDATE,
    PATCH,
    DELETE,
    LIST,
    SUDO,
    DENY;

    /** The lower-case name used in policies ({@code "read"}). */
    public String policyName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a policy capability name ({@code "read"}, case-insensitive). */
    public static Capability parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }
}
