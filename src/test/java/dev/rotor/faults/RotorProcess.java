package dev.rotor.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One rotor instance as an operator runs it: {@code java -jar target/rotor.jar run ...} as an OS process, configured
 * only through its environment ({@link RotorEnvironment}).
 *
 * <ol>
 *   <li>Start, {@linkplain #kill9() kill -9}, {@linkplain #sigterm(Duration) SIGTERM} and {@linkplain #restart()
 *       restart} with the same environment (so the same state dir and HTTP port).
 *   <li>Every start appends to {@code target/faults/<name>.log} (stdout and stderr), after a marker line naming the
 *       start and its pid; the process logs with {@code faults/logback-rotor.xml}, which keeps Kafka's INFO lines.
 *   <li>Readiness over {@code /health/ready}, the Prometheus text of {@code /metrics}, and counts of log lines.
 * </ol>
 */
final class RotorProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "rotor.jar");
    static final Path LOGBACK = Path.of("target", "test-classes", "faults", "logback-rotor.xml");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final RotorEnvironment environment;
    private final List<String> args;
    private final Path log;
    private Process process;
    private int starts;

    private RotorProcess(final String name, final RotorEnvironment environment, final List<String> args) {
        this.name = name;
        this.environment = environment;
        this.args = List.copyOf(args);
        this.log = FaultFiles.dir().resolve(name + ".log");
    }

    /** Starts {@code rotor <args>} (e.g. {@code run --role all}); the log starts empty. */
    static RotorProcess start(final String name, final RotorEnvironment environment, final String... args) {
        final RotorProcess rotor = new RotorProcess(name, environment, List.of(args));
        try {
            Files.deleteIfExists(rotor.log);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        rotor.launch();
        return rotor;
    }

    private void launch() {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the fault suite runs the packaged jar (mvn verify "
                    + "builds it in the package phase, before failsafe)");
        }
        final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only and a serial collector: on a 2-core machine running two instances, a broker and the test,
                // C2's compiler threads after every restart would take the CPU the scenario is measuring
                "-Xmx384m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=" + LOGBACK.toAbsolutePath(),
                "-jar",
                JAR.toString()));
        cmd.addAll(args);
        final ProcessBuilder pb = new ProcessBuilder(cmd);
        // nothing of the test JVM's environment may configure rotor behind the test's back
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("ROTOR_") || k.startsWith("KAFKA_") || k.startsWith("VAULT_"));
        pb.environment().putAll(environment.asMap());
        starts++;
        try {
            Files.writeString(
                    log,
                    "==== fault suite: start " + starts + " of " + name + " at " + Instant.now() + " ====\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            process = pb.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            appendMarker("pid " + process.pid());
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void appendMarker(final String text) {
        try {
            Files.writeString(
                    log,
                    "==== fault suite: " + name + " " + text + " at " + Instant.now() + " ====\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String name() {
        return name;
    }

    Path log() {
        return log;
    }

    int httpPort() {
        return environment.httpPort();
    }

    /** How many times this instance was started (1 after {@link #start}). */
    int starts() {
        return starts;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no commit, no leave-group; returns once the process is gone. */
    void kill9() {
        final long pid = process.pid();
        process.toHandle().destroyForcibly(); // SIGKILL on Linux
        waitForExit(Duration.ofSeconds(10));
        appendMarker("killed with SIGKILL (pid " + pid + ")");
    }

    /** SIGTERM and wait for the clean stop; returns the exit code. */
    int sigterm(final Duration timeout) {
        appendMarker("sent SIGTERM (pid " + process.pid() + ")");
        process.destroy();
        return waitForExit(timeout);
    }

    private int waitForExit(final Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(name + " did not exit within " + timeout + "; killed");
            }
            return process.exitValue();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the instance again with the same environment (same state dir and port); it must not be running. */
    void restart() {
        if (isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        launch();
    }

    /**
     * Waits until {@code /health/ready} answers 200; fails with the log's tail if it does not within {@code atMost}.
     */
    void awaitReady(final Duration atMost) {
        try {
            Awaitility.await(name + " ready")
                    .atMost(atMost)
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!isAlive()) {
                            throw new IllegalStateException(
                                    name + " exited with " + process.exitValue() + ":\n" + tail(40));
                        }
                        return status("/health/ready") == 200;
                    });
        } catch (final ConditionTimeoutException e) {
            throw new AssertionError(name + " not ready within " + atMost + ":\n" + tail(40), e);
        }
    }

    /** {@code /metrics} (Prometheus text), or empty when the instance does not answer. */
    String metrics() {
        final HttpResponse<String> r = get("/metrics");
        return r == null ? "" : r.body();
    }

    int status(final String path) {
        final HttpResponse<String> r = get(path);
        return r == null ? -1 : r.statusCode();
    }

    private HttpResponse<String> get(final String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort() + path))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (final IOException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Lines of the log (all starts) that contain {@code fragment}. */
    List<String> logLines(final String fragment) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(fragment))
                    .toList();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code n} lines of the log. */
    String tail(final int n) {
        try {
            final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (final IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, then SIGKILL if it does not stop within 30 s. */
    @Override
    public void close() {
        if (isAlive()) {
            try {
                sigterm(Duration.ofSeconds(30));
            } catch (final IllegalStateException e) {
                // killed by sigterm's fallback; nothing more to do
            }
        }
    }

    @Override
    public String toString() {
        return name + (isAlive() ? " (pid " + process.pid() + ")" : " (stopped)");
    }
}
