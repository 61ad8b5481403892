package dev.rotor.serde;

import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;

/**
 * Confluent's subject name strategies: which registry subject a topic's key or value schema lives under. Configured
 * with {@code key.subject.name.strategy} / {@code value.subject.name.strategy}, by short name
 * ({@code TopicNameStrategy}) or Confluent's class name
 * ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}).
 */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}: one schema (line) per topic. Confluent's default. */
    TOPIC_NAME("TopicNameStrategy"),
    /** The record's full name: one schema line per record type, shared by all topics. */
    RECORD_NAME("RecordNameStrategy"),
    /** {@code <topic>-<full record name>}: several record types per topic, each with its own line. */
    TOPIC_RECORD_NAME("TopicRecordNameStrategy");

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private final String shortName;

    SubjectNameStrategy(final String shortName) {
        this.shortName = shortName;
    }

    /** Confluent's simple class name, e.g. {@code TopicNameStrategy}. */
    public String shortName() {
        return shortName;
    }

    /** The subject for a record with {@code schema} written to {@code topic} as key or value. */
    public String subject(final String topic, final boolean isKey, final Schema schema) {
        return switch (this) {
            case TOPIC_NAME -> topic + (isKey ? "-key" : "-value");
            case RECORD_NAME -> recordName(schema);
            case TOPIC_RECORD_NAME -> topic + "-" + recordName(schema);
        };
    }

    /** Parses a short name, Confluent's class name, or this enum's constant name (case-insensitive). */
    public static SubjectNameStrategy parse(final String configured) {
        final String name = configured.trim();
        final String simple = name.startsWith(CONFLUENT_PACKAGE) ? name.substring(CONFLUENT_PACKAGE.length()) : name;
        for (final SubjectNameStrategy strategy : values()) {
            if (strategy.shortName.equalsIgnoreCase(simple)
                    || strategy.name().equals(simple.toUpperCase(Locale.ROOT))) {
                return strategy;
            }
        }
        throw new ConfigException("unknown subject name strategy '" + name + "'; expected TopicNameStrategy, "
                + "RecordNameStrategy or TopicRecordNameStrategy (optionally prefixed with " + CONFLUENT_PACKAGE + ")");
    }

    private static String recordName(final Schema schema) {
        if (schema.getType() != Schema.Type.RECORD) {
            throw new IllegalArgumentException("record name strategies need a record schema, got " + schema.getType());
        }
        return schema.getFullName();
    }
}
