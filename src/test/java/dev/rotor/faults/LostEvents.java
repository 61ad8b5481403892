package dev.rotor.faults;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Evidence for an event that was never decided: where it was sent (partition, offset), and whether rotor did write
 * something for it that no read_committed consumer will ever see (records of aborted or still-open transactions on the
 * repartition, command and audit topics: {@code read_uncommitted} finds them, {@code read_committed} does not). That is
 * the signature of an event lost in an aborted transaction while its input offset was committed.
 */
final class LostEvents {
    private static final int SHOWN = 25;
    private static final String REPARTITION = "rotor-detection-events-by-secret-path-repartition";

    private LostEvents() {}

    static String describe(final List<String> allIds, final LoadGenerator load, final String bootstrapServers) {
        final List<String> eventIds = allIds.subList(0, Math.min(SHOWN, allIds.size()));
        final Map<String, List<String>> uncommitted = new TreeMap<>();
        for (final String topic : List.of(REPARTITION, RotorOutputs.COMMANDS, RotorOutputs.AUDIT)) {
            final Map<String, Integer> committed =
                    countMentions(TopicTail.committed(bootstrapServers, topic), eventIds);
            final Map<String, Integer> all = countMentions(TopicTail.uncommitted(bootstrapServers, topic), eventIds);
            all.forEach((id, n) -> {
                final int visible = committed.getOrDefault(id, 0);
                if (n > visible) {
                    uncommitted
                            .computeIfAbsent(id, k -> new ArrayList<>())
                            .add(topic + ": " + (n - visible) + " record(s) only in aborted/open transactions");
                }
            });
        }
        final StringBuilder s = new StringBuilder();
        for (final String id : eventIds) {
            final LoadGenerator.Position p = load.positionOf(id);
            s.append(id)
                    .append(" sent to ")
                    .append(p == null ? "?" : RotorOutputs.position(p.partition(), p.offset()))
                    .append("; ")
                    .append(uncommitted.getOrDefault(id, List.of("nothing written for it, even " + "uncommitted")))
                    .append('\n');
        }
        if (allIds.size() > SHOWN) {
            s.append("... and ").append(allIds.size() - SHOWN).append(" more\n");
        }
        return s.toString();
    }

    private static Map<String, Integer> countMentions(final TopicTail tail, final List<String> eventIds) {
        final Map<String, Integer> counts = new TreeMap<>();
        try (tail) {
            for (final ConsumerRecord<byte[], byte[]> r : tail.catchUp()) {
                if (r.value() == null) {
                    continue;
                }
                final String text = new String(r.value(), StandardCharsets.ISO_8859_1);
                for (final String id : eventIds) {
                    if (text.contains(id)) {
                        counts.merge(id, 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }
}
