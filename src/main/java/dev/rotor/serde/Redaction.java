package dev.rotor.serde;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides metadata values whose key names a secret (password, secret, token, credential, private_key, api_key; any
 * case, anywhere in the key). Applied where event metadata leaves rotor's input: commands, audit records and
 * notifications carry {@value #REDACTED} instead of whatever a sender put there.
 */
public final class Redaction {
    public static final String REDACTED = "[REDACTED]";
    private static final Pattern SECRET_KEY = Pattern.compile("password|secret|token|credential|private_key|api_key");

    private Redaction() {
    }

    public static boolean namesASecret(final String key) {
        return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).find();
    }

    /** A copy with every secret-named key's value replaced. */
    public static Map<String, String> redacted(final Map<String, String> metadata) {
        final Map<String, String> out = new LinkedHashMap<>();
        metadata.forEach((k, v) -> out.put(k, namesASecret(k) ? REDACTED : v));
        return out;
    }
}
