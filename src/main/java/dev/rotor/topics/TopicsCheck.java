package dev.rotor.topics;

import java.util.List;
import java.util.Objects;

/**
 * Whether rotor's topics exist, for {@code /health/ready}. Probes call {@link #result()} on every request, so it must
 * answer from memory; {@link AdminTopicsCheck} refreshes its answer in the background.
 */
@FunctionalInterface
public interface TopicsCheck {

    /** Always present: for tests and for setups whose topics are checked elsewhere. */
    TopicsCheck ALWAYS_PRESENT = () -> Result.PRESENT;

    /** The latest known answer. */
    Result result();

    /**
     * One answer of the check.
     *
     * @param present true when every topic exists
     * @param missing the topics known to be missing
     * @param problem why the answer is not known (not checked yet, broker unreachable), or null
     */
    record Result(boolean present, List<String> missing, String problem) {
        public static final Result PRESENT = new Result(true, List.of(), null);

        public Result {
            missing = List.copyOf(Objects.requireNonNull(missing, "missing"));
        }

        public static Result missing(final List<String> topics) {
            return topics.isEmpty() ? PRESENT : new Result(false, topics, null);
        }

        public static Result unknown(final String problem) {
            return new Result(false, List.of(), problem);
        }
    }
}
