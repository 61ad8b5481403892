package dev.rotor.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names and label names a PromQL expression (or a Grafana {@code label_values(metric, label)} query) refers
 * to, found without a PromQL parser: label matchers, {@code by/without/on/ignoring} groups, strings, ranges and Grafana
 * variables are cut out, then every identifier not followed by {@code (} and not a keyword is a metric name. Enough for
 * the expressions of rotor's dashboard and alert rules, which a test checks against a real {@code /metrics}.
 */
final class PromQlReferences {
    /** A metric an expression selects, with the label names its matchers use. */
    record Selector(String metric, Set<String> labels) {}

    /** What one expression refers to. */
    record References(List<Selector> selectors, Set<String> groupingLabels) {
        Set<String> metrics() {
            final Set<String> m = new LinkedHashSet<>();
            selectors.forEach(s -> m.add(s.metric()));
            return m;
        }
    }

    private static final Pattern LABEL_VALUES = Pattern.compile(
            "label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(\\{[^}]*})?\\s*,\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*\\)");
    private static final Pattern SELECTOR =
            Pattern.compile("(?<![a-zA-Z0-9_:.])([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![a-zA-Z0-9_:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)");
    private static final Set<String> KEYWORDS = Set.of(
            "and",
            "or",
            "unless",
            "bool",
            "offset",
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "inf",
            "nan");

    private PromQlReferences() {}

    static References of(final String expression) {
        final Map<String, Set<String>> selected = new LinkedHashMap<>();
        final Set<String> grouping = new LinkedHashSet<>();
        String rest = expression.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        final Matcher lv = LABEL_VALUES.matcher(rest);
        if (lv.find()) {
            selected.computeIfAbsent(lv.group(1), k -> new LinkedHashSet<>()).addAll(matcherLabels(lv.group(2)));
            grouping.add(lv.group(3));
            return references(selected, grouping);
        }
        final Matcher s = SELECTOR.matcher(rest);
        final StringBuilder cut = new StringBuilder();
        while (s.find()) {
            final String metric = s.group(1);
            if (metric != null && !KEYWORDS.contains(metric)) {
                selected.computeIfAbsent(metric, k -> new LinkedHashSet<>())
                        .addAll(matcherLabels("{" + s.group(2) + "}"));
            }
            s.appendReplacement(cut, " ");
        }
        s.appendTail(cut);
        rest = cut.toString();
        final Matcher g = GROUPING.matcher(rest);
        while (g.find()) {
            for (final String label : g.group(2).split(",", -1)) {
                if (!label.isBlank()) {
                    grouping.add(label.strip());
                }
            }
        }
        rest = GROUPING.matcher(rest)
                .replaceAll(" ")
                .replaceAll("\\[[^]]*]", " ") // ranges and subqueries: [5m], [15m:1m]
                .replaceAll("\\$\\{?[a-zA-Z_][a-zA-Z0-9_]*}?", " "); // Grafana variables
        final Matcher id = IDENTIFIER.matcher(rest);
        while (id.find()) {
            final String name = id.group(1);
            final String after = rest.substring(id.end()).stripLeading();
            if (after.startsWith("(") || KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
                continue; // a function, an aggregation or a keyword
            }
            selected.computeIfAbsent(name, k -> new LinkedHashSet<>());
        }
        return references(selected, grouping);
    }

    private static References references(final Map<String, Set<String>> selected, final Set<String> grouping) {
        final List<Selector> list = new ArrayList<>();
        selected.forEach((m, l) -> list.add(new Selector(m, Set.copyOf(l))));
        return new References(list, Set.copyOf(grouping));
    }

    private static Set<String> matcherLabels(final String braces) {
        final Set<String> labels = new LinkedHashSet<>();
        if (braces != null) {
            final Matcher m = MATCHER.matcher(braces);
            while (m.find()) {
                labels.add(m.group(1));
            }
        }
        return labels;
    }
}
