package dev.rotor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code rotor bench} from the built jar, shrunk so that it finishes in a few minutes on two cores: every scenario (the
 * baselines b, b2 and b3 and latency-under-load included) runs to completion, passes its checks (warm-ups completed,
 * expected commands and results exist), the three report files exist, every figure in results.json is a valid positive
 * number, and the run is stamped with its git commit. No timing is asserted (absolute numbers on a shared machine are
 * noise).
 */
class BenchSmokeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSmallBenchRunsEveryScenarioAndWritesItsReport() throws Exception {
        final Path out = Path.of("target", "bench-smoke");
        for (final String f : List.of("results.json", "report.html", "report.png")) {
            Files.deleteIfExists(out.resolve(f));
        }
        Files.createDirectories(out);
        final Path log = Path.of("target", "bench-smoke-it.log");
        final Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        "target/rotor.jar",
                        "bench",
                        "--events",
                        "20000",
                        "--scenario",
                        "all",
                        "--runs",
                        "1",
                        "--latency-rate",
                        "200",
                        "--latency-seconds",
                        "5",
                        "--warm-up-seconds",
                        "4",
                        "--incident-secrets",
                        "500",
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        final boolean exited = p.waitFor(8, TimeUnit.MINUTES);
        if (!exited) {
            p.destroyForcibly();
        }
        final String output = Files.readString(log);

        assertThat(exited).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output)
                .contains("(c) rotor detection, EOS")
                .contains("(b3) per-key Processor API job")
                .contains("goals (judged on the median)")
                .contains("checks   passed")
                .contains("Warming up the bench JVM and the broker")
                .contains("code     commit ")
                .doesNotContain("INVALID");
        for (final String f : List.of("results.json", "report.html", "report.png")) {
            assertThat(out.resolve(f)).as(f).exists().isNotEmptyFile();
        }
        final byte[] png = Files.readAllBytes(out.resolve("report.png"));
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');

        final JsonNode results = JSON.readTree(out.resolve("results.json").toFile());
        final List<String> keys = new ArrayList<>();
        for (final JsonNode f : results.path("figures")) {
            final String key = f.path("key").asText();
            keys.add(key);
            assertThat(f.path("valid").asBoolean())
                    .as(key + " is valid: " + f.path("invalid").asText())
                    .isTrue();
            for (final String field : List.of("median", "min", "max")) {
                assertThat(f.path(field).isNumber())
                        .as(key + "." + field + " is a number")
                        .isTrue();
                assertThat(f.path(field).asDouble()).as(key + "." + field).isPositive();
            }
            assertThat(f.path("runs")).as(key + ".runs").hasSize(1);
            for (final JsonNode run : f.path("runs")) {
                assertThat(run.asDouble()).as(key + " run").isPositive();
            }
        }
        assertThat(keys)
                .contains(
                        "throughput.raw_consumer",
                        "throughput.baseline",
                        "throughput.rotor_detection",
                        "throughput.ratio_c_a",
                        "throughput.ratio_c_b",
                        "memory.rotor_peak_rss",
                        "latency.eos.p50",
                        "latency.eos.p99",
                        "latency.alos.p99",
                        "latency.alos.max",
                        "incident.critical.seconds",
                        "incident.manual.seconds",
                        "incident.critical.changed_once",
                        "incident.manual.changed_once",
                        "throughput.baseline_sparse",
                        "throughput.baseline_per_key",
                        "throughput.ratio_c_b2",
                        "throughput.ratio_c_b3",
                        "memory.per_key_peak_rss",
                        "latency_under_load.p50",
                        "latency_under_load.p90",
                        "latency_under_load.p99",
                        "latency_under_load.max");
        assertThat(results.path("machine").path("cores").asInt()).isPositive();
        // run from the project's checkout: the stamp names a commit, and whether the tree was dirty
        assertThat(results.path("git").path("commit").asText()).matches("[0-9a-f]{40}");
        assertThat(results.path("git").path("tree").asText()).matches("clean|dirty \\(\\d+ changed files?\\)");
        // every goal has a verdict; none is judged on an invalid figure
        assertThat(results.path("targets")).hasSize(Target.ISSUE.size());
        for (final JsonNode t : results.path("targets")) {
            assertThat(t.path("status").asText()).as(t.path("target").asText()).isIn("MET", "NOT_MET", "NOT_JUDGED");
        }
        // the unmeasured warm-ups ran and are reported, so a cold start is shown, not hidden
        assertThat(results.path("scenarios").path("warm-up").path("checks").asText())
                .isEqualTo("passed");
        assertThat(results.path("scenarios")
                        .path("latency")
                        .path("eos_paced_warm_up_p50/p99_ms")
                        .asText())
                .matches("\\d+/\\d+");
        // the incident's verdict carries "each secret changed exactly once"
        assertThat(output).contains("every secret changed exactly once");
    }
}
