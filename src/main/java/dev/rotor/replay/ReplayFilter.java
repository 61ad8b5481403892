package dev.rotor.replay;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which dead letters a replay picks: by error code ({@code rotor.error.code}; empty: any) and by record time (the dead
 * letter's timestamp, which is the refused record's own; empty: any).
 */
public record ReplayFilter(Set<String> codes, Optional<Instant> since) {
    public ReplayFilter {
        codes = codes.stream()
                .map(c -> c.trim().toUpperCase(Locale.ROOT))
                .filter(c -> !c.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Every dead letter. */
    public static ReplayFilter all() {
        return new ReplayFilter(Set.of(), Optional.empty());
    }

    boolean matches(final String code, final long timestamp) {
        return (codes.isEmpty() || codes.contains(code == null ? "" : code.toUpperCase(Locale.ROOT)))
                && since.map(s -> timestamp >= s.toEpochMilli()).orElse(true);
    }

    /** How the filter reads in the summary. */
    String describe() {
        final String c = codes.isEmpty()
                ? "any code"
                : "code " + String.join(", ", codes.stream().sorted().toList());
        return since.map(s -> c + ", since " + s).orElse(c);
    }
}
