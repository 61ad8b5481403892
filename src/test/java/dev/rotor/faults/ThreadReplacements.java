package dev.rotor.faults;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How often an instance lost a stream thread: the lines rotor logs when its uncaught-exception handler replaces one
 * ({@code "<application>: stream thread failed (<exception>); replacing it"}), and the {@code /metrics} samples that
 * count failed or replaced stream threads, whatever rotor and Kafka Streams call them.
 */
final class ThreadReplacements {
    static final String LOG_FRAGMENT = "stream thread failed";
    /** Kafka Streams' {@code failed-stream-threads}, and any rotor metric about replaced or failed threads. */
    private static final Pattern METRIC = Pattern.compile(
            "^([a-z_]*(failed_stream_threads|thread_replace|threads_replaced|stream_thread_failures)[a-z_]*)"
                    + "(\\{[^}]*})?\\s+([0-9.eE+-]+)$",
            Pattern.MULTILINE);

    /** Kafka Streams' message when a processor throws: names the input record that failed the task. */
    private static final Pattern FAILED_RECORD = Pattern.compile(
            "Exception caught in process\\. taskId=[^,]+, processor=[^,]+, topic=([^,]+), partition=(\\d+), "
                    + "offset=(\\d+)");

    private ThreadReplacements() {}

    /**
     * The input records that failed a stream task ({@code topic-partition@offset}, as Kafka Streams names them when a
     * processor throws), each once, in the order first seen.
     */
    static List<String> failedRecords(final RotorProcess rotor) {
        return rotor.logLines("Exception caught in process").stream()
                .map(FAILED_RECORD::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1) + "-" + m.group(2) + "@" + m.group(3))
                .distinct()
                .toList();
    }

    /** The distinct root causes in the log ({@code Caused by: ...} lines, cut to 200 characters), with counts. */
    static Map<String, Long> causes(final RotorProcess rotor) {
        return rotor.logLines("Caused by: ").stream()
                .map(l -> l.substring(l.indexOf("Caused by: ") + 11))
                .map(l -> l.length() > 200 ? l.substring(0, 200) + "..." : l)
                .collect(Collectors.groupingBy(l -> l, TreeMap::new, Collectors.counting()));
    }

    /** The log lines of every start of {@code rotor} that report a replaced stream thread. */
    static List<String> logged(final RotorProcess rotor) {
        return rotor.logLines(LOG_FRAGMENT);
    }

    /** The sum of every thread-failure sample in the instance's current {@code /metrics}, and their names. */
    static MetricSum fromMetrics(final RotorProcess rotor) {
        final Matcher m = METRIC.matcher(rotor.metrics());
        double sum = 0;
        final StringBuilder names = new StringBuilder();
        while (m.find()) {
            sum += Double.parseDouble(m.group(4));
            names.append(m.group(1))
                    .append(m.group(3) == null ? "" : m.group(3))
                    .append('=')
                    .append(m.group(4))
                    .append(' ');
        }
        return new MetricSum(sum, names.toString().trim());
    }

    /** A sum of metric samples and the samples it was made of ({@code name{tags}=value ...}). */
    record MetricSum(double sum, String samples) {}
}
