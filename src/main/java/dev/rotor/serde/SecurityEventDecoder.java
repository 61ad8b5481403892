package dev.rotor.serde;

import dev.rotor.avro.Indicator;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.events.EventLimits;
import dev.rotor.events.Hashing;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import dev.rotor.redaction.Redaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Turns the bytes of a {@code security-events} record into a normalised {@link SecurityEvent}, or refuses them with an
 * {@link InvalidEventException}.
 *
 * <ol>
 *   <li>Format: the first byte decides. {@code 0} is Avro in the Confluent wire format; an opening brace (after
 *       optional white space or a UTF-8 BOM) is JSON; anything else is refused.
 *   <li>Normalisation: event_type lower case; a missing event_id becomes a stable id derived from the content, so a
 *       resent event dedupes; description and metadata values are cut, and over-long identifiers, metadata keys and
 *       path lists refused ({@link EventLimits}), so that no output record can outgrow the broker's limit.
 *   <li>Redaction: credentials in the description, source address, event type and metadata (all but the path lists) are
 *       replaced by {@value Redaction#REDACTED} ({@link Redaction}), before anything else sees the event. An event id
 *       holding a credential is replaced by a derived one, and ids are derived from the redacted content, so no id is a
 *       hash from which a redacted value could be guessed back.
 *   <li>Limits: it does not check rules (counts, paths, clock skew); detection does.
 * </ol>
 *
 * A registry that cannot be reached is not the record's fault: that error propagates as is, so the record is retried
 * rather than dead-lettered.
 */
public final class SecurityEventDecoder {
    private static final String SECRET_PATH = "secret_path";
    private static final String SECRET_PATHS = "secret_paths";
    /** Metadata entries that name secrets to rotate: identifiers, kept exactly as sent. */
    private static final Set<String> PATH_LISTS = Set.of(SECRET_PATH, SECRET_PATHS);

    private static final Set<String> INDICATORS =
            Arrays.stream(Indicator.values()).map(Enum::name).collect(Collectors.toUnmodifiableSet());

    private final int maxBytes;
    private final Deserializer<SecurityEvent> avro;

    /**
     * @param maxBytes larger records are refused
     * @param avro Confluent-wire Avro deserializer, or null when no registry is configured (Avro input is then refused)
     */
    public SecurityEventDecoder(final int maxBytes, final Deserializer<SecurityEvent> avro) {
        this.maxBytes = maxBytes;
        this.avro = avro;
    }

    public SecurityEvent decode(final String topic, final byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException(Code.EMPTY, "record value is empty");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidEventException(
                    Code.OVERSIZE, "record value is " + bytes.length + " bytes, more than the limit of " + maxBytes);
        }
        final SecurityEvent raw;
        if (bytes[0] == 0) {
            raw = decodeAvro(topic, bytes);
        } else if (looksLikeJson(bytes)) {
            raw = JsonEventParser.parse(bytes);
        } else {
            throw new InvalidEventException(
                    Code.UNKNOWN_FORMAT,
                    String.format(
                            "first byte 0x%02x is neither '{' (JSON) nor the Confluent Avro magic byte 0",
                            bytes[0] & 0xff));
        }
        return normalise(raw);
    }

    private SecurityEvent decodeAvro(final String topic, final byte[] bytes) {
        if (avro == null) {
            throw new InvalidEventException(
                    Code.INVALID_AVRO, "Avro record but no schema registry is configured (kafka.schema.registry.url)");
        }
        try {
            return avro.deserialize(topic, bytes);
        } catch (final AvroDecodingException e) {
            final Code code = e.kind() == AvroDecodingException.Kind.UNKNOWN_SCHEMA_ID
                    ? Code.UNKNOWN_SCHEMA_ID
                    : Code.INVALID_AVRO;
            throw new InvalidEventException(code, e.getMessage());
        }
    }

    private static boolean looksLikeJson(final byte[] b) {
        int i = 0;
        if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            i = 3;
        }
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
            i++;
        }
        return i < b.length && (b[i] == '{' || b[i] == '[');
    }

    /**
     * Applies the normalisation rules above and the bounds of {@link EventLimits}; idempotent. Every input passes here:
     * native JSON, Avro, and the adapters' events.
     */
    public static SecurityEvent normalise(final SecurityEvent e) {
        final String given = EventLimits.eventId(e.getEventId());
        final String type = e.getEventType().strip();
        EventLimits.eventType(type, given);
        EventLimits.sourceIp(e.getSourceIp(), given);
        EventLimits.pathCount(e.getAffectedResources().size(), "affected_resources", given);
        int position = 0;
        for (final String key : e.getMetadata().keySet()) {
            EventLimits.metadataKey(key, ++position, given);
        }
        final String secretPaths = e.getMetadata().get(SECRET_PATHS);
        if (secretPaths != null) {
            EventLimits.pathCount(pathsIn(secretPaths), "metadata." + SECRET_PATHS, given);
        }
        // redacted before the id is derived and before anything is cut (a cut credential may no longer look like one)
        // the constructor, not SecurityEvent.newBuilder(e): the builder deep-copies every field, twice per event
        final SecurityEvent redacted = new SecurityEvent(
                e.getEventId(),
                eventType(type),
                e.getThreatLevel(),
                Redaction.text(e.getDescription()),
                e.getAffectedResources(),
                Redaction.text(e.getSourceIp()),
                e.getTimestamp(),
                Redaction.metadata(e.getMetadata(), PATH_LISTS));
        final String eventId = given == null
                ? deriveId(redacted, null)
                : Redaction.holdsCredential(given) ? deriveId(redacted, Redaction.text(given)) : given;
        final Map<String, String> metadata = new LinkedHashMap<>();
        for (final Map.Entry<String, String> m : redacted.getMetadata().entrySet()) {
            final boolean paths = PATH_LISTS.contains(m.getKey());
            if (!paths && metadata.size() >= EventLimits.MAX_METADATA_ENTRIES) {
                continue;
            }
            metadata.put(m.getKey(), paths ? m.getValue() : cap(m.getValue(), EventLimits.MAX_METADATA_VALUE));
        }
        return new SecurityEvent(
                eventId,
                redacted.getEventType(),
                redacted.getThreatLevel(),
                cap(redacted.getDescription(), EventLimits.MAX_DESCRIPTION),
                new ArrayList<>(e.getAffectedResources()),
                redacted.getSourceIp(),
                redacted.getTimestamp(),
                metadata);
    }

    /** Lower case; one of the nine indicators as it is, anything else redacted (an unknown type is sender's text). */
    private static String eventType(final String type) {
        final String lower = type.toLowerCase(Locale.ROOT);
        return INDICATORS.contains(lower) || !Redaction.holdsCredential(type) ? lower : Redaction.REDACTED;
    }

    /** How many non-blank entries a comma-separated path list has. */
    private static int pathsIn(final String list) {
        int count = 0;
        for (final String p : list.split(",", -1)) {
            if (!p.isBlank()) {
                count++;
            }
        }
        return count;
    }

    /**
     * An id from the event's (redacted) content; {@code redactedId} is the sender's id with its credentials hidden,
     * when the sender gave one that held a credential (so two such events with different ids stay two events).
     */
    private static String deriveId(final SecurityEvent e, final String redactedId) {
        final List<String> parts = new ArrayList<>();
        if (redactedId != null) {
            parts.add(redactedId);
        }
        parts.add(e.getEventType());
        parts.add(e.getThreatLevel().name());
        parts.add(e.getDescription());
        parts.add(String.valueOf(e.getSourceIp()));
        parts.add(Long.toString(e.getTimestamp().toEpochMilli()));
        parts.add(String.join("\n", e.getAffectedResources()));
        new TreeMap<>(e.getMetadata()).forEach((k, v) -> {
            parts.add(k);
            parts.add(v);
        });
        return "derived-" + Hashing.id(parts.toArray(String[]::new));
    }

    private static String cap(final String s, final int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, max) + "…[truncated]";
    }
}
