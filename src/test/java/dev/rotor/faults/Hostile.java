package dev.rotor.faults;

import java.nio.charset.StandardCharsets;

/**
 * One hostile input record and what rotor must make of it.
 *
 * @param id unique; the record's key (unless {@link #nullKey}) and, where the record is JSON with an {@code event_id},
 *     its event id, so a DLQ record or an audit record can be traced back to it
 * @param kind the family it belongs to (for the report), e.g. {@code bad-magic-byte}
 * @param nullKey sent without a key: found in the DLQ by its input partition/offset
 * @param value the bytes, or null for a tombstone
 * @param expect what rotor must do with it
 * @param variant which case of its family it is, printable and short (e.g. {@code failed_count="1e3"}), or null
 */
@SuppressWarnings("ArrayRecordComponent") // the bytes are sent as they are, never compared
record Hostile(String id, String kind, boolean nullKey, byte[] value, Expect expect, String variant) {

    Hostile(final String id, final String kind, final boolean nullKey, final byte[] value, final Expect expect) {
        this(id, kind, nullKey, value, expect, null);
    }

    /** The same record, described as {@code variant} (control and non-ASCII characters escaped, capped). */
    Hostile variant(final String text) {
        final StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < 80; i++) {
            final char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return new Hostile(id, kind, nullKey, value, expect, text.length() > 80 ? b + "..." : b.toString());
    }

    /** The outcome a hostile record must have. */
    enum Outcome {
        /** in the DLQ with a {@code rotor.error.code}, or audited with a reason */
        HANDLED,
        /** in the DLQ with a {@code rotor.error.code}; {@link Expect#code} when it must be a particular one */
        DEAD_LETTERED,
        /** decided normally by detection (an audit of {@link Expect#code}) and not dead-lettered */
        DECIDED,
        /** decided, and its secret rotated (a ROTATED result) */
        ROTATED
    }

    /** @param code a DLQ error code or an audit decision, or null for any */
    record Expect(Outcome outcome, String code) {
        static Expect handled() {
            return new Expect(Outcome.HANDLED, null);
        }

        static Expect deadLettered() {
            return new Expect(Outcome.DEAD_LETTERED, null);
        }

        static Expect deadLettered(final String code) {
            return new Expect(Outcome.DEAD_LETTERED, code);
        }

        static Expect decided(final String decision) {
            return new Expect(Outcome.DECIDED, decision);
        }

        static Expect rotated() {
            return new Expect(Outcome.ROTATED, null);
        }

        @Override
        public String toString() {
            return outcome + (code == null ? "" : " " + code);
        }
    }

    byte[] key() {
        return nullKey ? null : id.getBytes(StandardCharsets.UTF_8);
    }

    LoadGenerator.Planned planned() {
        return new LoadGenerator.Planned(id, key(), value);
    }
}
