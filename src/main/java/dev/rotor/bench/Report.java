package dev.rotor.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The benchmark's outputs: the summary table (stdout), {@code results.json}, {@code report.png} (throughput bars,
 * latency distribution, incident times, peak RSS — rendered headless with XChart) and {@code report.html}. Each carries
 * the git commit the run measured and whether the tree was dirty; an invalid figure (a failed check) shows its reason
 * instead of a number, and the targets are judged by {@link Target#verdict}.
 */
final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String title;
    private final Map<String, Object> machine;
    private final Map<String, Object> config;
    private final Map<String, Object> scenarios;
    private final List<Figure> figures;
    private final Map<String, Histogram> latency;
    private final String command;
    private final GitStamp git;
    private final BenchSettings settings;

    Report(
            final String title,
            final String command,
            final GitStamp git,
            final BenchSettings settings,
            final Map<String, Object> machine,
            final Map<String, Object> config,
            final Map<String, Object> scenarios,
            final List<Figure> figures,
            final Map<String, Histogram> latency) {
        this.title = title;
        this.command = command;
        this.git = git;
        this.settings = settings;
        this.machine = machine;
        this.config = config;
        this.scenarios = scenarios;
        this.figures = figures;
        this.latency = latency;
    }

    static String num(final double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        final double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.1 || a == 0) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    private static String kv(final Map<String, Object> m) {
        final StringBuilder b = new StringBuilder();
        m.forEach((k, v) ->
                b.append(b.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        return b.toString();
    }

    /** The summary table: every figure with its median and spread, the ratios, targets, machine and config. */
    String summary() {
        final StringBuilder b = new StringBuilder();
        b.append(title).append('\n');
        b.append("code     ").append(git.describe()).append('\n');
        b.append("command  ").append(command).append('\n');
        b.append("machine  ").append(kv(machine)).append('\n');
        b.append("config   ").append(kv(config)).append('\n');
        scenarios.forEach((name, d) -> {
            if (d instanceof Map<?, ?> m && !m.isEmpty()) {
                final StringBuilder s = new StringBuilder();
                m.forEach((k, v) -> s.append(s.length() == 0 ? "" : "; ")
                        .append(k)
                        .append('=')
                        .append(v));
                b.append(String.format(Locale.ROOT, "%-8s %s%n", name, s));
            }
        });
        b.append('\n');
        final String row = "%-11s %-52s %14s %27s  %-11s%n";
        b.append(String.format(Locale.ROOT, row, "scenario", "figure", "median", "spread (min - max)", "unit"));
        b.append("-".repeat(121)).append('\n');
        for (final Figure f : figures) {
            if (f.valid()) {
                b.append(String.format(
                        Locale.ROOT,
                        row,
                        f.scenario(),
                        f.label(),
                        num(f.median()),
                        num(f.min()) + " - " + num(f.max()) + " (n=" + f.runs().size() + ")",
                        f.unit()));
            } else {
                b.append(String.format(
                        Locale.ROOT,
                        row,
                        f.scenario(),
                        f.label(),
                        "INVALID",
                        "(n=" + f.runs().size() + ")",
                        f.unit()));
            }
        }
        b.append('\n').append("checks   ");
        final List<Figure> invalid = invalid();
        if (invalid.isEmpty()) {
            b.append("passed: every warm-up completed and every expected command and result exists\n");
        } else {
            b.append("FAILED for ").append(invalid.size()).append(" figure(s); their numbers are not shown:\n");
            invalid.forEach(f -> b.append("  ")
                    .append(f.key())
                    .append(": ")
                    .append(f.invalid())
                    .append('\n'));
        }
        b.append('\n').append("goals (judged on the median)\n");
        for (final Target t : Target.ISSUE) {
            b.append(String.format(
                    Locale.ROOT,
                    "  %-70s %s%n",
                    t.text(),
                    t.verdict(figures, settings).text()));
        }
        return b.toString();
    }

    /** The figures whose checks failed. */
    List<Figure> invalid() {
        return figures.stream().filter(f -> !f.valid()).toList();
    }

    void writeJson(final Path file) throws IOException {
        final Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", title);
        final Map<String, Object> code = new LinkedHashMap<>();
        code.put("commit", git.commit());
        code.put("tree", git.dirty());
        root.put("git", code);
        root.put("command", command);
        root.put("machine", machine);
        root.put("config", config);
        root.put("scenarios", scenarios);
        final List<Map<String, Object>> fs = new ArrayList<>();
        for (final Figure f : figures) {
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", f.key());
            m.put("scenario", f.scenario());
            m.put("label", f.label());
            m.put("unit", f.unit());
            m.put("valid", f.valid());
            if (!f.valid()) {
                m.put("invalid", f.invalid());
            }
            // an invalid figure has no median: its runs stay for diagnosis only
            m.put("median", f.valid() ? f.median() : null);
            m.put("min", f.valid() ? f.min() : null);
            m.put("max", f.valid() ? f.max() : null);
            m.put("runs", f.runs());
            fs.add(m);
        }
        root.put("figures", fs);
        final List<Map<String, Object>> ts = new ArrayList<>();
        for (final Target t : Target.ISSUE) {
            final Target.Verdict v = t.verdict(figures, settings);
            final Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", t.text());
            m.put("figure", t.figure());
            m.put("limit", t.limit());
            m.put("status", v.status().name());
            m.put("verdict", v.text());
            m.put(
                    "median",
                    t.of(figures).filter(Figure::valid).map(Figure::median).orElse(null));
            m.put(
                    "met",
                    v.status() == Target.Status.MET
                            ? Boolean.TRUE
                            : v.status() == Target.Status.NOT_MET ? Boolean.FALSE : null);
            ts.add(m);
        }
        root.put("targets", ts);
        JSON.writeValue(file.toFile(), root);
    }

    void writePng(final Path file) throws IOException {
        final List<Chart<?, ?>> charts = new ArrayList<>();
        charts.add(throughputChart());
        charts.add(latencyChart());
        charts.add(barChart(
                "Incident: time until every result is readable",
                "s",
                List.of("incident.critical.seconds", "incident.manual.seconds"),
                List.of("1 critical event", "manual triggers"),
                5.0,
                "goal 5 s",
                false));
        charts.add(barChart(
                "Peak RSS during throughput (VmHWM)",
                "MiB",
                List.of("memory.rotor_peak_rss", "memory.baseline_peak_rss", "memory.per_key_peak_rss"),
                List.of("rotor detection (c)", "DSL (b)", "per-key (b3)"),
                512.0,
                "goal 512 MiB",
                false));
        final int w = 800;
        final int h = 520;
        final int header = 40;
        final BufferedImage img = new BufferedImage(2 * w, 2 * h + header, BufferedImage.TYPE_INT_RGB);
        final Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString(title, 12, 27);
        for (int i = 0; i < charts.size(); i++) {
            final BufferedImage c = BitmapEncoder.getBufferedImage(charts.get(i));
            g.drawImage(c, (i % 2) * w, header + (i / 2) * h, null);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    /** A valid figure: the charts never draw a number whose checks failed. */
    private Optional<Figure> figure(final String key) {
        return figures.stream().filter(f -> f.key().equals(key) && f.valid()).findFirst();
    }

    private CategoryChart throughputChart() {
        final String raw = figure("throughput.raw_consumer")
                .map(f -> "(a) raw consumer " + num(f.median()) + "/s")
                .orElse("(a) not measured");
        final String ratios = String.join(
                ", ",
                Stream.of(
                                figure("throughput.ratio_c_b3").map(f -> "c/b3 = " + num(f.median())),
                                figure("throughput.ratio_c_b2").map(f -> "c/b2 = " + num(f.median())),
                                figure("throughput.ratio_c_b").map(f -> "c/b = " + num(f.median())),
                                figure("throughput.ratio_c_a").map(f -> "c/a = " + num(f.median())))
                        .flatMap(Optional::stream)
                        .toList());
        final CategoryChart c = new CategoryChartBuilder()
                .width(800)
                .height(520)
                .title("Throughput, events/s (median): " + ratios)
                .yAxisTitle("events/s")
                .xAxisTitle(raw)
                .build();
        final List<String> names = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        final String[][] bars = {
            {"throughput.baseline", "(b) DSL windows"},
            {"throughput.baseline_sparse", "(b2) DSL, sparse mix"},
            {"throughput.baseline_per_key", "(b3) per-key PAPI"},
            {"throughput.rotor_detection", "(c) rotor detection"}
        };
        for (final String[] bar : bars) {
            figure(bar[0]).ifPresent(f -> {
                names.add(bar[1]);
                values.add(f.median());
            });
        }
        if (names.isEmpty()) {
            names.add("not measured");
            values.add(0.0);
        }
        c.addSeries("events/s", names, values);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setDecimalPattern("#,##0");
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        return c;
    }

    private XYChart latencyChart() {
        final XYChart c = new XYChartBuilder()
                .width(800)
                .height(520)
                .title("Latency produce -> readable result (all runs)")
                .xAxisTitle("latency, ms (log scale)")
                .yAxisTitle("% of events at or below")
                .build();
        c.getStyler().setXAxisLogarithmic(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setYAxisMin(0.0);
        c.getStyler().setYAxisMax(100.0);
        boolean any = false;
        for (final Map.Entry<String, Histogram> e : latency.entrySet()) {
            final Histogram h = e.getValue();
            if (h.getTotalCount() == 0) {
                continue;
            }
            final List<Double> xs = new ArrayList<>();
            final List<Double> ys = new ArrayList<>();
            for (final HistogramIterationValue v : h.percentiles(5)) {
                xs.add(Math.max(0.1, v.getValueIteratedTo() / 1000.0));
                ys.add(v.getPercentileLevelIteratedTo());
            }
            final String name = (e.getKey().equals("eos")
                            ? "exactly-once"
                            : e.getKey().equals("alos") ? "at-least-once" : e.getKey())
                    + String.format(
                            Locale.ROOT,
                            "  p50 %s  p99 %s ms",
                            num(h.getValueAtPercentile(50) / 1000.0),
                            num(h.getValueAtPercentile(99) / 1000.0));
            final XYSeries s = c.addSeries(name, xs, ys);
            s.setMarker(SeriesMarkers.NONE);
            any = true;
        }
        if (!any) {
            c.addSeries("not measured", new double[] {1, 2}, new double[] {0, 0})
                    .setMarker(SeriesMarkers.NONE);
        }
        return c;
    }

    private CategoryChart barChart(
            final String chartTitle,
            final String unit,
            final List<String> keys,
            final List<String> labels,
            final double target,
            final String targetLabel,
            final boolean log) {
        final CategoryChart c = new CategoryChartBuilder()
                .width(800)
                .height(520)
                .title(chartTitle)
                .yAxisTitle(unit)
                .build();
        final List<String> names = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        final List<Double> limit = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            final String label = labels.get(i);
            figure(keys.get(i)).ifPresent(f -> {
                names.add(label + "  " + num(f.median()) + " " + unit);
                values.add(f.median());
                limit.add(target);
            });
        }
        if (names.isEmpty()) {
            names.add("not measured");
            values.add(0.0);
            limit.add(target);
        }
        c.addSeries("median", names, values);
        c.addSeries(targetLabel, names, limit);
        c.getStyler().setYAxisLogarithmic(log);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setDecimalPattern("#,##0.#");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setSeriesColors(new Color[] {new Color(0x33, 0x66, 0xcc), new Color(0xcc, 0xcc, 0xcc)});
        return c;
    }

    void writeHtml(final Path file) throws IOException {
        final StringBuilder b = new StringBuilder();
        b.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
                .append(esc(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
                        + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}td.n{text-align:right}"
                        + ".met{color:#080}.not{color:#b00}</style></head><body>");
        b.append("<h1>").append(esc(title)).append("</h1>");
        b.append("<p><code>").append(esc(command)).append("</code></p>");
        b.append("<p><img src=\"report.png\" alt=\"charts\" style=\"max-width:100%\"></p>");
        b.append("<p>").append(esc(git.describe())).append("</p>");
        b.append("<h2>Targets</h2><table><tr><th>target</th><th>verdict</th></tr>");
        for (final Target t : Target.ISSUE) {
            final Target.Verdict v = t.verdict(figures, settings);
            b.append("<tr><td>")
                    .append(esc(t.text()))
                    .append("</td><td class=")
                    .append(v.status() == Target.Status.MET ? "met" : "not")
                    .append('>')
                    .append(esc(v.text()))
                    .append("</td></tr>");
        }
        b.append("</table><h2>Figures</h2><table><tr><th>scenario</th><th>figure</th><th>median</th><th>min</th>"
                + "<th>max</th><th>runs</th><th>unit</th></tr>");
        for (final Figure f : figures) {
            if (!f.valid()) {
                b.append("<tr><td>")
                        .append(esc(f.scenario()))
                        .append("</td><td>")
                        .append(esc(f.label()))
                        .append("</td><td class=not colspan=3>INVALID: ")
                        .append(esc(f.invalid()))
                        .append("</td><td></td><td>")
                        .append(esc(f.unit()))
                        .append("</td></tr>");
                continue;
            }
            b.append("<tr><td>")
                    .append(esc(f.scenario()))
                    .append("</td><td>")
                    .append(esc(f.label()))
                    .append("</td><td class=n>")
                    .append(num(f.median()))
                    .append("</td><td class=n>")
                    .append(num(f.min()))
                    .append("</td><td class=n>")
                    .append(num(f.max()))
                    .append("</td><td>");
            f.runs().forEach(r -> b.append(num(r)).append(' '));
            b.append("</td><td>").append(esc(f.unit())).append("</td></tr>");
        }
        b.append("</table><h2>Machine</h2>").append(table(machine));
        b.append("<h2>Configuration</h2>").append(table(config));
        scenarios.forEach((name, d) -> {
            if (d instanceof Map<?, ?> m && !m.isEmpty()) {
                @SuppressWarnings("unchecked") // a scenario's figures are a JSON object: String keys
                final Map<String, Object> mm = (Map<String, Object>) m;
                b.append("<h2>").append(esc(name)).append("</h2>").append(table(mm));
            }
        });
        b.append("<p>Figures are medians of the runs, with the spread (min - max). Method: docs/benchmark.md.</p>");
        b.append("</body></html>\n");
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }

    private static String table(final Map<String, Object> m) {
        final StringBuilder b = new StringBuilder("<table>");
        m.forEach((k, v) -> b.append("<tr><th>")
                .append(esc(k))
                .append("</th><td>")
                .append(esc(String.valueOf(v)))
                .append("</td></tr>"));
        return b.append("</table>").toString();
    }

    private static String esc(final String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
