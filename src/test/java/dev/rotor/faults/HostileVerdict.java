package dev.rotor.faults;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.faults.RotorOutputs.DeadLetter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What rotor made of one hostile record, read from its outputs: its DLQ records (found by key and by the input position
 * in the {@code __streams.errors.*} headers), its audit records (by event id and by the position an INVALID audit
 * names) and the results of the commands it caused; and whether that meets the record's {@link Hostile.Expect}.
 */
record HostileVerdict(
        Hostile hostile, List<String> codes, List<String> decisions, List<String> reasons, List<String> statuses) {

    static HostileVerdict of(final Hostile h, final LoadGenerator.Position position, final RotorOutputs out) {
        final Set<DeadLetter> dlq = new LinkedHashSet<>();
        final List<JsonNode> audits = new ArrayList<>();
        if (!h.nullKey()) {
            dlq.addAll(out.deadLettersKeyed(h.id()));
            audits.addAll(out.auditsOf(h.id()));
        }
        if (position != null) {
            dlq.addAll(out.deadLettersAt(position.partition(), position.offset()));
            audits.addAll(out.auditsAt(position.partition(), position.offset()));
        }
        final List<String> codes = dlq.stream()
                .map(DeadLetter::code)
                .filter(c -> c != null && !c.isBlank())
                .distinct()
                .toList();
        final List<String> decisions = audits.stream()
                .map(a -> a.path("decision").asText())
                .filter(d -> !d.startsWith("ROTATION_") && !d.equals("VAULT_CALL"))
                .distinct()
                .toList();
        final List<String> reasons = audits.stream()
                .map(a -> a.path("reason").asText())
                .filter(r -> !r.isBlank())
                .limit(3)
                .toList();
        final List<String> statuses = h.nullKey()
                ? List.of()
                : out.resultsOfEvent(h.id()).stream()
                        .map(r -> r.path("status").asText())
                        .toList();
        return new HostileVerdict(h, codes, decisions, reasons, statuses);
    }

    boolean deadLettered() {
        return !codes.isEmpty();
    }

    boolean audited() {
        return !reasons.isEmpty();
    }

    /** Dead-lettered with a code or audited with a reason: rotor accounted for it. */
    boolean handled() {
        return deadLettered() || audited();
    }

    /** Whether the outcome is the one the record must have. */
    boolean meetsExpectation() {
        final Hostile.Expect e = hostile.expect();
        return switch (e.outcome()) {
            case HANDLED -> handled();
            case DEAD_LETTERED -> deadLettered() && (e.code() == null || codes.contains(e.code()));
            case DECIDED -> !deadLettered() && decisions.contains(e.code());
            case ROTATED -> statuses.contains("ROTATED");
        };
    }

    /** Whether rotor is done with the record as far as the test can tell (for the bounded wait). */
    boolean settled() {
        return hostile.expect().outcome() == Hostile.Outcome.ROTATED
                ? !statuses.isEmpty() || deadLettered()
                : handled();
    }

    /** {@code id (kind): expected X, got DLQ [..] audit [..] results [..]}. */
    String describe() {
        return hostile.id() + " (" + hostile.kind() + (hostile.nullKey() ? ", null key" : "")
                + (hostile.variant() == null ? "" : ": " + hostile.variant()) + "): expected "
                + hostile.expect() + ", got DLQ " + codes + " audit " + decisions + " results " + statuses;
    }
}
