package dev.rotor.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.config.SourceFormat;

/** One foreign format's reader. Implementations are stateless and thread-safe. */
public interface SourceAdapter {
    SourceFormat format();

    /**
     * Reads one record.
     *
     * @param record the record's JSON (an object)
     * @param recordTimestamp the Kafka record's timestamp, used only where the payload carries no time of its own
     * @throws dev.rotor.events.InvalidEventException when the record is not one of this format's or cannot be read
     */
    Adaptation adapt(JsonNode record, long recordTimestamp);
}
