package dev.rotor.detection;

import dev.rotor.avro.Indicator;
import dev.rotor.avro.ThreatLevel;
import java.util.Locale;

/**
 * The original implementation's trigger matrix (DESIGN.md §3): what an indicator at a threat level asks for.
 *
 * <pre>
 * threat \ type   leaked, api_key, unauthorized, brute_force   failed_auth   rate_limit   manual   others
 * critical        rotate                                       rotate        rotate       rotate   rotate
 * high            rotate                                       count         count        rotate   no
 * medium, low     no                                           count         count        rotate   no
 * </pre>
 */
public final class TriggerMatrix {
    /** What to do with one event for one secret. */
    public enum Action {
        ROTATE,
        COUNT_FAILED_AUTH,
        COUNT_RATE_LIMIT,
        IGNORE
    }

    /** The action with the rule name that commands and audit records carry. */
    public record Decision(Action action, String rule) {}

    public static final String RULE_MANUAL = "manual-trigger";
    public static final String RULE_CRITICAL = "critical-threat";
    public static final String RULE_HIGH_INDICATOR = "high-threat-indicator";
    public static final String RULE_FAILED_AUTH = "failed-auth-threshold";
    public static final String RULE_RATE_LIMIT = "rate-limit-threshold";
    public static final String RULE_NONE = "not-a-compromise-indicator";

    private TriggerMatrix() {}

    /** The indicator an event_type names, case-insensitively; unknown names are {@link Indicator#other}. */
    public static Indicator indicator(final String eventType) {
        final String name = eventType.trim().toLowerCase(Locale.ROOT);
        for (final Indicator i : Indicator.values()) {
            if (i != Indicator.other && i.name().equals(name)) {
                return i;
            }
        }
        return Indicator.other;
    }

    public static Decision decide(final Indicator indicator, final ThreatLevel level) {
        if (indicator == Indicator.manual_trigger) {
            return new Decision(Action.ROTATE, RULE_MANUAL);
        }
        if (level == ThreatLevel.critical) {
            return new Decision(Action.ROTATE, RULE_CRITICAL);
        }
        return switch (indicator) {
            case failed_auth_spike -> new Decision(Action.COUNT_FAILED_AUTH, RULE_FAILED_AUTH);
            case rate_limit_exceeded -> new Decision(Action.COUNT_RATE_LIMIT, RULE_RATE_LIMIT);
            case leaked_credential, api_key_exposed, unauthorized_access, brute_force_attack ->
                level == ThreatLevel.high
                        ? new Decision(Action.ROTATE, RULE_HIGH_INDICATOR)
                        : new Decision(Action.IGNORE, RULE_NONE);
            default -> new Decision(Action.IGNORE, RULE_NONE);
        };
    }
}
