package dev.rotor.faults;

import java.nio.charset.StandardCharsets;

/**
 * One hostile input record and what rotor must make of it.
 *
 * @param id     unique; the record's key (unless {@link #nullKey}) and, where the record is JSON with an
 *               {@code event_id}, its event id, so a DLQ record or an audit record can be traced back to it
 * @param kind   the family it belongs to (for the report), e.g. {@code bad-magic-byte}
 * @param nullKey sent without a key: found in the DLQ by its input partition/offset
 * @param value  the bytes, or null for a tombstone
 * @param expect what rotor must do with it
 */
record Hostile(String id, String kind, boolean nullKey, byte[] value, Expect expect) {

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
