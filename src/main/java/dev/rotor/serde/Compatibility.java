package dev.rotor.serde;

import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Avro's reader/writer compatibility check, with a one-line summary instead of Avro's two pretty-printed schemas. */
final class Compatibility {
    private Compatibility() {}

    /** Null when {@code reader} can read data written with {@code writer}; else what stands in the way. */
    static String problems(final Schema reader, final Schema writer) {
        final SchemaCompatibility.SchemaCompatibilityResult result = SchemaCompatibility.checkReaderWriterCompatibility(
                        reader, writer)
                .getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        return result.getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")")
                .collect(Collectors.joining("; "));
    }
}
