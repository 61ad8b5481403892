package dev.rotor.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One Elastic Common Schema document, read field by field whichever way its keys are written.
 *
 * <ol>
 *   <li>ECS lets a document write {@code event.category} nested ({@code "event": {"category": ...}}), dotted
 *       ({@code "event.category": ...}), or mixed ({@code "event": {"outcome.reason": ...}}); Beats write nested
 *       objects, ECS loggers dotted keys. {@link #node} finds a field in any of these spellings.
 *   <li>A field given in two spellings with different values is refused ({@code WRONG_TYPE}): Elasticsearch would keep
 *       both, and rotor will not pick one of two answers to "did this login fail".
 *   <li>An Elasticsearch search hit ({@code _source} with {@code _id}) is unwrapped; its {@code _id}, or a top-level
 *       {@code _id} of the document, is {@link #documentId()}.
 * </ol>
 *
 * Lookups are bounded by the number of segments of the field name (a handful), not by the document's size.
 */
final class EcsDocument {
    private final JsonNode root;
    private final String documentId;

    private EcsDocument(final JsonNode root, final String documentId) {
        this.root = root;
        this.documentId = documentId;
    }

    static EcsDocument of(final JsonNode record) {
        final JsonNode source = record.get("_source");
        if (source != null && source.isObject()) {
            return new EcsDocument(source, JsonFields.meaningful(JsonFields.text(record, "_id")));
        }
        final JsonNode id = record.get("_id");
        return new EcsDocument(record, id != null && id.isTextual() ? JsonFields.meaningful(id.textValue()) : null);
    }

    JsonNode root() {
        return root;
    }

    /** The Elasticsearch document id ({@code _id}), or null. */
    String documentId() {
        return documentId;
    }

    /** The field's value, or a missing node; see the class comment for the spellings and conflicts. */
    JsonNode node(final String field) {
        final List<JsonNode> found = new ArrayList<>();
        collect(root, field.split("\\."), 0, found);
        if (found.isEmpty()) {
            return MissingNode.getInstance();
        }
        for (final JsonNode other : found) {
            if (!other.equals(found.get(0))) {
                throw new InvalidEventException(
                        Code.WRONG_TYPE, field + " is given twice (nested and dotted keys) " + "with different values");
            }
        }
        return found.get(0);
    }

    /** Whether the document has the field, or any field under it ({@code event} for {@code event.kind}). */
    boolean has(final String field) {
        if (!node(field).isMissingNode()) {
            return true;
        }
        final String prefix = field + ".";
        for (final Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            if (it.next().startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** The field's text when it is a string, else null; another type than a string is WRONG_TYPE. */
    String text(final String field) {
        final JsonNode n = node(field);
        if (n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw JsonFields.wrongType(field, "a string", n);
        }
        return JsonFields.meaningful(n.textValue());
    }

    /**
     * A keyword field ECS allows as one string or an array of strings ({@code event.category}, {@code event.type}): its
     * values, empty when absent.
     */
    List<String> keywords(final String field) {
        final JsonNode n = node(field);
        if (n.isMissingNode() || n.isNull()) {
            return List.of();
        }
        if (n.isTextual()) {
            return List.of(n.textValue());
        }
        if (!n.isArray()) {
            throw JsonFields.wrongType(field, "a string or an array of strings", n);
        }
        final List<String> values = new ArrayList<>();
        for (final JsonNode v : n) {
            if (!v.isTextual()) {
                throw JsonFields.wrongType(field, "a string or an array of strings", n);
            }
            values.add(v.textValue());
        }
        return values;
    }

    /** Every node that {@code parts[from..]} names below {@code node}, in any split of nested and dotted keys. */
    private static void collect(final JsonNode node, final String[] parts, final int from, final List<JsonNode> found) {
        if (from == parts.length) {
            found.add(node);
            return;
        }
        if (!node.isObject()) {
            return;
        }
        final StringBuilder key = new StringBuilder();
        for (int to = from; to < parts.length; to++) {
            key.append(to == from ? "" : ".").append(parts[to]);
            final JsonNode child = node.get(key.toString());
            if (child != null) {
                collect(child, parts, to + 1, found);
            }
        }
    }
}
