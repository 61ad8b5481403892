package dev.rotor.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import dev.rotor.serde.JsonEventParser;

/** Small, value-free helpers for reading foreign JSON. Error messages name fields, never the values found. */
final class JsonFields {
    private JsonFields() {}

    /** The node at a dotted path ({@code "metadata.uid"}), or a missing node. */
    static JsonNode at(final JsonNode node, final String path) {
        JsonNode n = node;
        for (final String part : path.split("\\.", -1)) {
            if (n == null || !n.isObject()) {
                return MissingNode.getInstance();
            }
            n = n.get(part);
        }
        return n == null ? MissingNode.getInstance() : n;
    }

    /** The text at {@code path} when it is a string, else null (absent, null or another type). */
    static String text(final JsonNode node, final String path) {
        final JsonNode n = at(node, path);
        return n.isTextual() ? n.textValue() : null;
    }

    /** The first of {@code paths} that holds a meaningful string ({@link #meaningful}). */
    static String firstText(final JsonNode node, final String... paths) {
        for (final String p : paths) {
            final String v = meaningful(text(node, p));
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** A string that says something: null for null, blank and the {@code "-"} placeholder Windows logs use. */
    static String meaningful(final String s) {
        if (s == null) {
            return null;
        }
        final String t = s.strip();
        return t.isEmpty() || t.equals("-") ? null : t;
    }

    /** A required string: missing or null is MISSING_FIELD, another type WRONG_TYPE, blank MISSING_FIELD. */
    static String requiredText(final JsonNode node, final String path) {
        final JsonNode n = at(node, path);
        if (n.isMissingNode() || n.isNull()) {
            throw new InvalidEventException(Code.MISSING_FIELD, path + " is missing");
        }
        if (!n.isTextual()) {
            throw wrongType(path, "a string", n);
        }
        if (n.textValue().isBlank()) {
            throw new InvalidEventException(Code.MISSING_FIELD, path + " is empty");
        }
        return n.textValue().strip();
    }

    /** An optional whole number: absent or null gives {@code absent}; another type is WRONG_TYPE. */
    static long wholeNumber(final JsonNode node, final String path, final long absent) {
        final JsonNode n = at(node, path);
        if (n.isMissingNode() || n.isNull()) {
            return absent;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw wrongType(path, "a whole number", n);
        }
        return n.longValue();
    }

    static InvalidEventException wrongType(final String path, final String expected, final JsonNode found) {
        return new InvalidEventException(Code.WRONG_TYPE, path + " must be " + expected + ", found " + kind(found));
    }

    static String kind(final JsonNode n) {
        return JsonEventParser.kind(n);
    }

    /** Text fit for a reason or a description: control characters escaped, length capped. */
    static String printable(final String s, final int max) {
        if (s == null) {
            return "";
        }
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < max; i++) {
            final char c = s.charAt(i);
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= max && s.length() > max) {
            b.append('…');
        }
        return b.toString();
    }
}
