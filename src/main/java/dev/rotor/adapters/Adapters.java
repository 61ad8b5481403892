package dev.rotor.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.config.PrincipalMappings;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import dev.rotor.serde.JsonEventParser;
import java.nio.charset.StandardCharsets;

/** The adapters' entry points: one adapter per format, and the strict JSON reading they share. */
public final class Adapters {
    /** As strict as native input (docs/decisions.md, Detection 9): duplicate keys and trailing content are refused. */
    private Adapters() {}

    public static SourceAdapter forFormat(final SourceFormat format, final PrincipalMappings mappings) {
        return switch (format) {
            case OCSF -> new OcsfAdapter(mappings);
            case VAULT_AUDIT -> new VaultAuditAdapter(mappings);
            case GITHUB -> new GitHubSecretScanningAdapter(mappings);
            case AWS -> new AwsAdapter(mappings);
            case ECS -> new EcsAdapter(mappings);
        };
    }

    /** Reads a record's bytes and adapts them. */
    public static Adaptation adapt(
            final SourceAdapter adapter, final byte[] value, final long recordTimestamp, final int maxBytes) {
        if (value == null || value.length == 0) {
            throw new InvalidEventException(Code.EMPTY, "record value is empty");
        }
        if (value.length > maxBytes) {
            throw new InvalidEventException(
                    Code.OVERSIZE, "record value is " + value.length + " bytes, more than the limit of " + maxBytes);
        }
        return adapter.adapt(object(parse(value), adapter.format()), recordTimestamp);
    }

    /** Strict JSON, as for native events ({@link JsonEventParser#readStrict}); errors never quote the content. */
    static JsonNode parse(final byte[] bytes) {
        final JsonNode root = JsonEventParser.readStrict(bytes);
        if (root == null) {
            throw new InvalidEventException(Code.INVALID_JSON, "not valid JSON (no value)");
        }
        return root;
    }

    static JsonNode parse(final String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    static JsonNode object(final JsonNode root, final SourceFormat format) {
        if (!root.isObject()) {
            throw new InvalidEventException(
                    Code.UNKNOWN_PAYLOAD,
                    "a " + format.id() + " record must be a JSON object, " + "found " + JsonFields.kind(root));
        }
        return root;
    }
}
