package dev.rotor.config;

import java.net.URI;
import java.net.URISyntaxException;

/** rotor's one check of Vault's address ({@code rotor.vault.addr}, env {@code VAULT_ADDR}). */
public final class VaultAddress {
    private static final String KEY = Setting.VAULT_ADDR.key() + " (VAULT_ADDR)";

    private VaultAddress() {}

    /**
     * {@code address} without a trailing slash, once it is an absolute http(s) URL with a host and no user info;
     * anything else would fail at the first rotation, or send the token where it should not go.
     *
     * @throws ConfigException naming the setting
     */
    public static String checked(final String address) {
        final String a = address == null ? "" : address.trim();
        final URI uri;
        try {
            uri = new URI(a);
        } catch (final URISyntaxException e) {
            throw new ConfigException(KEY, "is not a URL (e.g. https://vault.example.com:8200)");
        }
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null
                || uri.getUserInfo() != null) {
            throw new ConfigException(
                    KEY,
                    "must be http:// or https:// followed by a host, without user info"
                            + " (e.g. https://vault.example.com:8200)");
        }
        return a.endsWith("/") ? a.substring(0, a.length() - 1) : a;
    }
}
