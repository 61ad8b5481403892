package dev.rotor.faults;

import dev.rotor.testing.EmbeddedKafkaExtension;

/** rotor's topics on the suite's broker, with 6 partitions each (rotor's {@code rotor.topics.partitions} default). */
final class RotorTopics {
    static final int PARTITIONS = 6;

    private RotorTopics() {}

    static void create(final EmbeddedKafkaExtension kafka) {
        kafka.createTopics(
                PARTITIONS,
                RotorOutputs.INPUT,
                RotorOutputs.COMMANDS,
                RotorOutputs.RESULTS,
                "security-alerts",
                "security-critical",
                RotorOutputs.AUDIT,
                RotorOutputs.DLQ,
                "rotation-commands-dlq");
    }
}
