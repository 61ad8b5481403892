package dev.rotor.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** rotor's dashboard and alert rules as the repository ships them, and what a {@code /metrics} scrape holds. */
final class OpsFiles {
    static final Path DASHBOARD = Path.of("ops", "grafana", "rotor.json");
    static final Path RULES = Path.of("ops", "prometheus", "rotor-alerts.yml");
    /** Labels Prometheus adds to every series at scrape time; they are never in {@code /metrics} itself. */
    static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");

    private OpsFiles() {}

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(DASHBOARD.toFile());
    }

    static JsonNode rules() throws IOException {
        return YAML.readTree(RULES.toFile());
    }

    /** Every PromQL expression of the dashboard: panel targets and template variable queries, by where they are. */
    static Map<String, String> dashboardExpressions(final JsonNode dashboard) {
        final Map<String, String> out = new LinkedHashMap<>();
        final List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add); // panels inside collapsed rows
        });
        for (final JsonNode p : panels) {
            p.path("targets").forEach(t -> {
                if (t.hasNonNull("expr")) {
                    out.put(
                            "panel '" + p.path("title").asText() + "' "
                                    + t.path("refId").asText(),
                            t.get("expr").asText());
                }
            });
        }
        dashboard.path("templating").path("list").forEach(v -> {
            if ("query".equals(v.path("type").asText())) {
                final JsonNode q = v.path("query");
                out.put(
                        "variable " + v.path("name").asText(),
                        q.isObject() ? q.path("query").asText() : q.asText());
            }
        });
        return out;
    }

    /** Every alert's expression, by alert name. */
    static Map<String, String> ruleExpressions(final JsonNode rules) {
        final Map<String, String> out = new LinkedHashMap<>();
        rules.path("groups")
                .forEach(g -> g.path("rules")
                        .forEach(r -> out.put(
                                "alert "
                                        + r.path("alert")
                                                .asText(r.path("record").asText()),
                                r.path("expr").asText())));
        return out;
    }

    /** The series names of a Prometheus text scrape, each with every label name seen on it. */
    static Map<String, Set<String>> seriesLabels(final String scrape) {
        final Map<String, Set<String>> out = new LinkedHashMap<>();
        for (final String line : scrape.split("\n", -1)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            final Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            final Set<String> labels = out.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>());
            if (m.group(3) != null) {
                final Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return out;
    }
}
