package dev.rotor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's honesty: invalid figures print no number, verdicts are never kinder than the data, runs are stamped. */
class BenchChecksTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static BenchSettings settings(final int events, final int incidentSecrets) {
        return new BenchSettings(
                events,
                Set.of("throughput", "incident"),
                Path.of("target", "unused"),
                Optional.empty(),
                1,
                100,
                40,
                20,
                incidentSecrets,
                "256m",
                "1g",
                Map.of(),
                false,
                java.time.Duration.ZERO,
                42);
    }

    private static Target target(final String key) {
        return Target.ISSUE.stream()
                .filter(t -> t.figure().equals(key))
                .findFirst()
                .orElseThrow();
    }

    private static Report report(final List<Figure> figures, final BenchSettings settings) {
        return new Report(
                "t",
                "java -jar target/rotor.jar bench",
                new GitStamp("a".repeat(40), "clean"),
                settings,
                Map.of("cores", 2),
                Map.of(),
                new LinkedHashMap<>(),
                figures,
                Map.of());
    }

    @Test
    void anInvalidFigureShowsItsReasonInsteadOfANumberAndIsNotJudged() throws Exception {
        final Figure c = new Figure(
                "throughput.rotor_detection",
                "throughput",
                "(c) rotor detection, EOS",
                "events/s",
                List.of(45_678.0),
                "(c) run 1: 2 of 100 expected commands missing (e.g. secret/x)");
        final Report report = report(List.of(c), settings(1_000_000, 10_000));

        final String summary = report.summary();
        assertThat(summary).doesNotContain("45,678").contains("INVALID").contains("2 of 100 expected commands missing");
        assertThat(target("throughput.rotor_detection")
                        .verdict(List.of(c), settings(1_000_000, 10_000))
                        .status())
                .isEqualTo(Target.Status.INVALID);

        final Path file = Files.createTempFile("results", ".json");
        report.writeJson(file);
        final JsonNode json = JSON.readTree(file.toFile());
        final JsonNode f = json.path("figures").get(0);
        assertThat(f.path("valid").asBoolean()).isFalse();
        assertThat(f.path("median").isNull()).isTrue();
        assertThat(json.path("targets").get(0).path("status").asText()).isEqualTo("INVALID");
        assertThat(json.path("git").path("commit").asText()).isEqualTo("a".repeat(40));
        assertThat(json.path("git").path("tree").asText()).isEqualTo("clean");
    }

    @Test
    void anIncidentWithinTimeButWithASecretNotChangedExactlyOnceIsNotMet() {
        final Figure seconds = new Figure("incident.manual.seconds", "incident", "s", "s", List.of(3.0));
        final Figure once = new Figure("incident.manual.changed_once", "incident", "n", "secrets", List.of(9_999.0));
        final Target.Verdict v =
                target("incident.manual.seconds").verdict(List.of(seconds, once), settings(1_000_000, 10_000));

        assertThat(v.status()).isEqualTo(Target.Status.NOT_MET);
        assertThat(v.text()).contains("NOT every secret changed exactly once").contains("9,999 of 10,000");

        final Figure allOnce =
                new Figure("incident.manual.changed_once", "incident", "n", "secrets", List.of(10_000.0));
        final Target.Verdict met =
                target("incident.manual.seconds").verdict(List.of(seconds, allOnce), settings(1_000_000, 10_000));
        assertThat(met.status()).isEqualTo(Target.Status.MET);
        assertThat(met.text()).contains("every secret changed exactly once");
    }

    @Test
    void aGoalStatedForOtherParametersIsNotJudgedButShowsTheFigure() {
        final Figure c = new Figure("throughput.rotor_detection", "throughput", "c", "events/s", List.of(90_000.0));
        final Target.Verdict v = target("throughput.rotor_detection").verdict(List.of(c), settings(20_000, 500));

        assertThat(v.status()).isEqualTo(Target.Status.NOT_JUDGED);
        assertThat(v.text()).contains("90,000").contains("1,000,000-event mix").contains("20,000");
    }

    @Test
    void anIncompleteWarmUpOrAMissingResultIsAProblemAndACompleteRunIsNot() {
        assertThat(new RotorUnderTest.WarmUp(200, 200).problem("eos run 1")).isNull();
        assertThat(new RotorUnderTest.WarmUp(200, 150).problem("eos run 1"))
                .isEqualTo("eos run 1: warm-up incomplete, 150 of 200 triggers rotated");

        final Histogram h = new Histogram(3);
        assertThat(new TriggerProbe.Outcome(h, Map.of(), 400, 0, 0, 10).problem("run 1"))
                .isNull();
        assertThat(new TriggerProbe.Outcome(h, Map.of(), 400, 3, 1, 10).problem("run 1"))
                .isEqualTo("run 1: 3 of 400 results missing 60 s after the last send, 1 of 400 results not ROTATED");
    }

    @Test
    void burstsAreExpectedToRotateOnlyUnderARuleTheyMustCross() {
        final EventMix mix = EventMix.generate(20_000, 1_764_000_000_000L, 42, "t");
        final RotorConfig.DetectionSettings defaults =
                ConfigLoader.defaults(Map.of()).detection();
        assertThat(ThroughputScenario.expectedCommands(mix, defaults))
                .hasSize(mix.triggerPaths().size() + mix.burstPathNames().size());
        final RotorConfig.DetectionSettings strict = ConfigLoader.defaults(
                        Map.of("rotor.failed-auth.threshold", "5000"))
                .detection();
        assertThat(ThroughputScenario.expectedCommands(mix, strict)).containsExactlyElementsOf(mix.triggerPaths());
    }

    @Test
    void aRunIsStampedWithItsCommitAndWhetherTheTreeWasDirty(@TempDir final Path dir) throws Exception {
        assertThat(GitStamp.of(dir)).isEqualTo(new GitStamp(GitStamp.UNKNOWN, GitStamp.UNKNOWN));

        git(dir, "init", "-q");
        Files.writeString(dir.resolve("a.txt"), "a");
        git(dir, "add", "a.txt");
        git(dir, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "a");
        final GitStamp clean = GitStamp.of(dir);
        assertThat(clean.commit()).matches("[0-9a-f]{40}");
        assertThat(clean.dirty()).isEqualTo("clean");
        assertThat(clean.shortForm()).isEqualTo(clean.commit().substring(0, 7));

        Files.writeString(dir.resolve("a.txt"), "b");
        final GitStamp dirty = GitStamp.of(dir);
        assertThat(dirty.commit()).isEqualTo(clean.commit());
        assertThat(dirty.dirty()).isEqualTo("dirty (1 changed file)");
        assertThat(dirty.shortForm()).endsWith("+dirty");
    }

    private static void git(final Path dir, final String... args) throws Exception {
        final List<String> cmd = new ArrayList<>(List.of("git"));
        cmd.addAll(List.of(args));
        final Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
    }
}
