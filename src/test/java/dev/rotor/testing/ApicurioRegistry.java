package dev.rotor.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Confluent-compatible schema registry of the integration tests (DESIGN.md §8): Apicurio Registry 3, unpacked
 * by maven-dependency-plugin into {@code rotor.apicurio.dir} (in {@code pre-integration-test}) and run as a child JVM
 * on Java 21+ ({@code rotor.apicurio.java}, default Temurin 25), with in-memory storage and global BACKWARD
 * compatibility, bound to 127.0.0.1. Ready in about 4 s.
 *
 * <p>One instance serves every integration test of the JVM ({@link #shared()}: the serde's {@code ApicurioRegistryIT},
 * the Avro end-to-end test, the fault suite); it is stopped when the JVM exits. Tests share it safely because each
 * registers under its own subjects. Its output goes to {@code target/apicurio-registry.log}.
 */
public final class ApicurioRegistry {
    /** Where the Confluent-compatible API lives under the registry's root. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static ApicurioRegistry shared;

    private final Process process;
    private final int port;

    private ApicurioRegistry(final Process process, final int port) {
        this.process = process;
        this.port = port;
    }

    /** The registry of this JVM, started on first use. */
    public static synchronized ApicurioRegistry shared() {
        if (shared == null || !shared.process.isAlive()) {
            shared = start();
        }
        return shared;
    }

    public int port() {
        return port;
    }

    /** The Confluent-compatible API: {@code http://127.0.0.1:<port>/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    private static ApicurioRegistry start() {
        final String dir = System.getProperty("rotor.apicurio.dir");
        if (dir == null) {
            throw new IllegalStateException("system property rotor.apicurio.dir is not set: run integration tests "
                    + "through maven-failsafe (mvn verify)");
        }
        final Path jar = Path.of(dir).resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Apicurio Registry is not unpacked: " + jar + " is missing (mvn verify "
                    + "unpacks io.apicurio:apicurio-registry-app:tar.gz:all there in pre-integration-test)");
        }
        // no Java 21+: whatever needs the registry is skipped with a message naming what to install
        final Path java = ExternalTools.assumeApicurioJava();
        final int port = FreePorts.one();
        final int management = FreePorts.one();
        final Path log = Path.of(dir).resolveSibling("apicurio-registry.log");
        try {
            final Process p = new ProcessBuilder(List.of(
                            java.toString(),
                            "-Xmx512m",
                            "-XX:TieredStopAtLevel=1",
                            "-Dquarkus.http.host=127.0.0.1",
                            "-Dquarkus.http.port=" + port,
                            "-Dquarkus.management.host=127.0.0.1",
                            "-Dquarkus.management.port=" + management,
                            "-Dapicurio.storage.kind=sql",
                            "-Dapicurio.storage.sql.kind=h2",
                            "-Dapicurio.rules.global.compatibility=BACKWARD",
                            "-jar",
                            jar.toString()))
                    .directory(jar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(p), "stop-apicurio"));
            final ApicurioRegistry registry = new ApicurioRegistry(p, port);
            registry.awaitReady(log);
            return registry;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot start Apicurio Registry", e);
        }
    }

    private void awaitReady(final Path log) {
        final HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        final HttpRequest probe = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(2))
                .build();
        final long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Apicurio Registry exited with " + process.exitValue() + "; see " + log + ":\n" + tail(log));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (final IOException e) {
                // not listening yet
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        throw new IllegalStateException(
                "Apicurio Registry not ready within " + STARTUP_TIMEOUT + "; see " + log + ":\n" + tail(log));
    }

    /**
     * Registers a JSON Schema (not Avro) under {@code subject} through the Confluent-compatible API and returns its id:
     * a schema id that exists but that no Avro reader can use.
     */
    public int registerJsonSchema(final String subject, final String jsonSchema) {
        final String body = "{\"schemaType\":\"JSON\",\"schema\":" + quote(jsonSchema) + "}";
        try {
            final HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects/" + subject + "/versions"))
                                    .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(
                        "registering a JSON schema answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body()).path("id").asInt();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String quote(final String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (final JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static void stop(final Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(final Path log) {
        try {
            final List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (final IOException e) {
            return "(no log)";
        }
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
