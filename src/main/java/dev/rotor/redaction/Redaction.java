package dev.rotor.redaction;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Hides credentials that a sender put into an event's text, before that text reaches a topic, a header or a log line
 * (DESIGN.md §9). Applied once where every event is normalised ({@code SecurityEventDecoder.normalise}: description,
 * source address, event type, metadata keys and values, and an event id holding a credential is replaced), and again
 * where text leaves rotor (commands, audit records, notifications, DLQ reasons), since it is idempotent and cheap.
 *
 * <ol>
 *   <li>Free text ({@link #text}): values shaped like well-known credentials ({@link CredentialShapes}: cloud keys,
 *       VCS, chat and payment tokens, JWTs, PEM private keys, passwords in URLs, {@code Bearer} and {@code Basic}
 *       credentials), then values of secret-named keys written as pairs ({@link SecretPairs}: {@code password=...},
 *       {@code "token": "..."}, {@code Authorization: Bearer ...}).
 *   <li>Metadata ({@link #metadata}): a value whose key names a secret ({@link SecretKeys}) is hidden whole; any other
 *       value is scanned as free text; a key that is itself credential-shaped is hidden too.
 *   <li>Only the credential is replaced, by {@value #REDACTED}; keys, schemes, URL users and PEM armour lines are kept,
 *       so the text still says what was there. Redacting redacted text changes nothing.
 *   <li>Cost: linear in the text. A clean text costs about twenty {@code indexOf} calls for the literal prefixes of the
 *       shapes and one look at each {@code =} and {@code :}; a regular expression runs only when its prefix occurs. All
 *       patterns are compiled once.
 *   <li>Limits: a credential with no known shape in free text with no secret-named key before it (a bare password in
 *       prose) cannot be told from words and is not hidden. Identifiers are kept as they are: a secret path is what
 *       rotor rotates and the key of its records, so a credential-shaped path segment is not hidden.
 * </ol>
 */
public final class Redaction {
    public static final String REDACTED = "[REDACTED]";

    private Redaction() {}

    /** {@code text} with every credential in it replaced; the same instance when there is none; null for null. */
    public static String text(final String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        return SecretPairs.redact(CredentialShapes.redact(text));
    }

    /** Whether {@link #text} would change {@code text}: it holds a credential. */
    public static boolean holdsCredential(final String text) {
        return text != null && !text.equals(text(text));
    }

    /** The value of metadata key {@code key}: hidden whole when the key names a secret, else scanned as free text. */
    public static String value(final String key, final String value) {
        if (value == null || value.isEmpty()) {
            return value;
        }
        return SecretKeys.hides(key, value) ? REDACTED : text(value);
    }

    /**
     * A copy of {@code metadata}, in its order, with every value redacted ({@link #value}). A credential-shaped key is
     * redacted too; should two keys then read the same, the later one is numbered ({@code [REDACTED]#2}).
     */
    public static Map<String, String> metadata(final Map<String, String> metadata) {
        return metadata(metadata, Set.of());
    }

    /**
     * As {@link #metadata(Map)}, but entries under {@code keptAsIs} (identifiers: path lists) are copied as they are.
     */
    public static Map<String, String> metadata(final Map<String, String> metadata, final Set<String> keptAsIs) {
        final Map<String, String> out = new LinkedHashMap<>(Math.max(4, metadata.size() * 2));
        for (final Map.Entry<String, String> e : metadata.entrySet()) {
            if (keptAsIs.contains(e.getKey())) {
                out.put(e.getKey(), e.getValue());
                continue;
            }
            String key = text(e.getKey());
            if (key != null && !key.equals(e.getKey())) {
                final String base = key;
                for (int n = 2; out.containsKey(key) || metadata.containsKey(key); n++) {
                    key = base + "#" + n;
                }
            }
            out.put(key, value(e.getKey(), e.getValue()));
        }
        return out;
    }
}
