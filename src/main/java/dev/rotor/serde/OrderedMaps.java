package dev.rotor.serde;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Conversion;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Avro maps read back in the order they were written. Avro writes a map's entries in its iteration order but reads them
 * into a {@code HashMap}, so an event's metadata lost the sender's key order on its way through the repartition topic
 * and {@code rotation-commands}, and a notification's "Additional Details" came out in hash order instead of the
 * original implementation's (repository, commit_sha, file_path). Every reader of rotor's Avro records builds its maps
 * here.
 */
final class OrderedMaps {
    /** A reader never pre-sizes a map by a count read from (untrusted) bytes beyond this. */
    static final int MAX_INITIAL_CAPACITY = 64;

    private OrderedMaps() {}

    /**
     * What a reader's {@code newMap} returns: {@code old} emptied when it is a map, else a new insertion-ordered map.
     */
    static Object newMap(final Object old, final int size) {
        if (old instanceof Map<?, ?> m) {
            m.clear();
            return m;
        }
        return new LinkedHashMap<>(Math.min(Math.max(size, 0), MAX_INITIAL_CAPACITY));
    }

    /**
     * A copy of {@code model} (same class loader, same logical-type conversions) that reads maps with {@link #newMap}
     * and never pre-sizes an array beyond {@link #MAX_INITIAL_CAPACITY}. Avro's readers, the fast one included, ask
     * their data model for new maps and arrays, so every reader built on this model keeps the key order.
     */
    static SpecificData model(final SpecificData model) {
        final SpecificData ordered = new SpecificData(model.getClassLoader()) {
            @Override
            public Object newMap(final Object old, final int size) {
                return OrderedMaps.newMap(old, size);
            }

            @Override
            public Object newArray(final Object old, final int size, final Schema schema) {
                return super.newArray(old, Math.min(Math.max(size, 0), MAX_INITIAL_CAPACITY), schema);
            }
        };
        for (final Conversion<?> c : model.getConversions()) {
            ordered.addLogicalTypeConversion(c);
        }
        return ordered;
    }
}
