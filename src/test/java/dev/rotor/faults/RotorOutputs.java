package dev.rotor.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What rotor has committed on its output topics (JSON output format), indexed for the fault suite's invariants:
 * commands and results by command id, audit records by event id (and by the input position an INVALID audit names),
 * dead letters by key and by the input partition/offset of their {@code __streams.errors.*} headers. Read incrementally
 * with {@link #catchUp()}; not thread-safe.
 */
final class RotorOutputs implements AutoCloseable {
    static final String COMMANDS = "rotation-commands";
    static final String RESULTS = "rotation-results";
    static final String AUDIT = "rotation-audit";
    static final String DLQ = "security-events-dlq";
    static final String INPUT = "security-events";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A record of security-events-dlq. */
    record DeadLetter(String key, Integer partition, Long offset, String code, String reason, int valueBytes) {}

    private final TopicTail commands;
    private final TopicTail results;
    private final TopicTail audit;
    private final TopicTail dlq;
    private final Map<String, List<JsonNode>> commandsById = new LinkedHashMap<>();
    private final Map<String, List<JsonNode>> resultsByCommand = new LinkedHashMap<>();
    private final Map<String, List<JsonNode>> resultsByEvent = new HashMap<>();
    private final Map<String, List<JsonNode>> auditsByEvent = new HashMap<>();
    private final Map<String, List<JsonNode>> auditsBySource = new HashMap<>();
    private final Map<String, List<DeadLetter>> deadLettersByKey = new HashMap<>();
    private final Map<String, List<DeadLetter>> deadLettersByPosition = new HashMap<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private int commandRecords;
    private int resultRecords;
    private int auditRecords;

    RotorOutputs(final String bootstrapServers) {
        commands = TopicTail.committed(bootstrapServers, COMMANDS);
        results = TopicTail.committed(bootstrapServers, RESULTS);
        audit = TopicTail.committed(bootstrapServers, AUDIT);
        dlq = TopicTail.committed(bootstrapServers, DLQ);
    }

    /** Reads what was committed since the last call. */
    RotorOutputs catchUp() {
        for (final ConsumerRecord<byte[], byte[]> r : commands.catchUp()) {
            final JsonNode c = json(r);
            commandsById
                    .computeIfAbsent(c.path("command_id").asText(), k -> new ArrayList<>())
                    .add(c);
            commandRecords++;
        }
        for (final ConsumerRecord<byte[], byte[]> r : results.catchUp()) {
            final JsonNode c = json(r);
            resultsByCommand
                    .computeIfAbsent(c.path("command_id").asText(), k -> new ArrayList<>())
                    .add(c);
            resultsByEvent
                    .computeIfAbsent(c.path("event_id").asText(), k -> new ArrayList<>())
                    .add(c);
            resultRecords++;
        }
        for (final ConsumerRecord<byte[], byte[]> r : audit.catchUp()) {
            final JsonNode a = json(r);
            auditRecords++;
            if (a.hasNonNull("event_id")) {
                auditsByEvent
                        .computeIfAbsent(a.get("event_id").asText(), k -> new ArrayList<>())
                        .add(a);
            }
            final JsonNode source = a.path("details").path("source");
            if (source.isTextual()) {
                auditsBySource
                        .computeIfAbsent(source.asText(), k -> new ArrayList<>())
                        .add(a);
            }
        }
        for (final ConsumerRecord<byte[], byte[]> r : dlq.catchUp()) {
            final Integer partition = header(r, "__streams.errors.partition")
                    .map(Integer::valueOf)
                    .orElse(null);
            final Long offset =
                    header(r, "__streams.errors.offset").map(Long::valueOf).orElse(null);
            final DeadLetter d = new DeadLetter(
                    r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                    partition,
                    offset,
                    header(r, "rotor.error.code").orElse(null),
                    header(r, "rotor.error.reason").orElse(null),
                    r.value() == null ? -1 : r.value().length);
            deadLetters.add(d);
            if (d.key() != null) {
                deadLettersByKey
                        .computeIfAbsent(d.key(), k -> new ArrayList<>())
                        .add(d);
            }
            if (partition != null && offset != null) {
                deadLettersByPosition
                        .computeIfAbsent(position(partition, offset), k -> new ArrayList<>())
                        .add(d);
            }
        }
        return this;
    }

    /** {@code security-events-<partition>@<offset>}, as rotor names an input position. */
    static String position(final int partition, final long offset) {
        return INPUT + "-" + partition + "@" + offset;
    }

    Map<String, List<JsonNode>> commandsById() {
        return commandsById;
    }

    Map<String, List<JsonNode>> resultsByCommand() {
        return resultsByCommand;
    }

    /** Results of the commands an event caused. */
    List<JsonNode> resultsOfEvent(final String eventId) {
        return resultsByEvent.getOrDefault(eventId, List.of());
    }

    List<JsonNode> auditsOf(final String eventId) {
        return auditsByEvent.getOrDefault(eventId, List.of());
    }

    /** Audit records that name the input position in {@code details.source} (INVALID audits without an event id). */
    List<JsonNode> auditsAt(final int partition, final long offset) {
        return auditsBySource.getOrDefault(position(partition, offset), List.of());
    }

    /** Whether detection decided the event: an audit record of detection (not the executor's) names its event id. */
    boolean decided(final String eventId) {
        return auditsOf(eventId).stream()
                .anyMatch(a -> !a.path("decision").asText().startsWith("ROTATION_")
                        && !a.path("decision").asText().equals("VAULT_CALL"));
    }

    /** The decisions detection audited for the event, e.g. {@code [BELOW_THRESHOLD]}. */
    List<String> decisionsOf(final String eventId) {
        return auditsOf(eventId).stream()
                .map(a -> a.path("decision").asText())
                .filter(d -> !d.startsWith("ROTATION_") && !d.equals("VAULT_CALL"))
                .toList();
    }

    List<DeadLetter> deadLettersKeyed(final String key) {
        return deadLettersByKey.getOrDefault(key, List.of());
    }

    List<DeadLetter> deadLettersAt(final int partition, final long offset) {
        return deadLettersByPosition.getOrDefault(position(partition, offset), List.of());
    }

    List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    int commandRecords() {
        return commandRecords;
    }

    int resultRecords() {
        return resultRecords;
    }

    int auditRecords() {
        return auditRecords;
    }

    private static Optional<String> header(final ConsumerRecord<byte[], byte[]> r, final String name) {
        final Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null
                ? Optional.empty()
                : Optional.of(new String(h.value(), StandardCharsets.UTF_8));
    }

    private static JsonNode json(final ConsumerRecord<byte[], byte[]> r) {
        try {
            return JSON.readTree(r.value());
        } catch (final IOException e) {
            throw new IllegalStateException(
                    "rotor wrote a record that is not JSON on " + r.topic() + "-" + r.partition() + "@" + r.offset(),
                    e);
        }
    }

    @Override
    public void close() {
        commands.close();
        results.close();
        audit.close();
        dlq.close();
    }
}
