package dev.rotor.serde;

import static dev.rotor.serde.SerdeFixtures.genericSecurityEvent;
import static dev.rotor.serde.SerdeFixtures.idOf;
import static dev.rotor.serde.SerdeFixtures.securityEvent;
import static dev.rotor.serde.SerdeFixtures.securityEventWithExtraField;
import static dev.rotor.serde.SerdeFixtures.securityEventWithout;
import static dev.rotor.serde.SerdeFixtures.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.AvroDecodingException.Kind;
import dev.rotor.testing.ExternalTools;
import org.apache.avro.Schema;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serde and registry client against a real Confluent-compatible registry: Apicurio Registry 3 (DESIGN.md §8),
 * unpacked by maven-dependency-plugin into {@code rotor.apicurio.dir} and started once for the class as a child JVM
 * (Java 21+) on 127.0.0.1 with in-memory storage and global BACKWARD compatibility. Its output goes to
 * {@code target/apicurio-registry-it.log}. Skipped with a message when no Java 21+ is found
 * ({@link ExternalTools#apicurioJava()}).
 */
class ApicurioRegistryIT {
    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistryIT.class);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

    private static Process apicurio;
    private static Path logFile;
    private static String baseUrl;
    private static HttpSchemaRegistry client;

    @BeforeAll
    static void startApicurio() throws Exception {
        final String dir = System.getProperty("rotor.apicurio.dir");
        if (dir == null) {
            fail("system property rotor.apicurio.dir is not set: run this test through maven-failsafe (mvn verify)");
        }
        final Path home = Path.of(dir);
        final Path jar = home.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            fail("Apicurio Registry is not unpacked: " + jar + " is missing (mvn verify unpacks "
                    + "io.apicurio:apicurio-registry-app:tar.gz:all there in pre-integration-test)");
        }
        // without a Java 21+ every test is skipped with a message saying what to install (not a red build)
        final java.util.Optional<Path> found = ExternalTools.apicurioJava();
        if (found.isEmpty()) {
            ExternalTools.announceSkip(ExternalTools.NO_APICURIO_JAVA.get());
            return;
        }
        final Path java = found.get();
        final int port = freePort();
        final int managementPort = freePort();
        logFile = home.resolveSibling("apicurio-registry-it.log");
        final long start = System.nanoTime();
        apicurio = new ProcessBuilder(List.of(java.toString(),
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1", // C1 only: starts about a quarter faster; plenty for a test registry
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                // The management interface (health, metrics) defaults to 0.0.0.0:9000: keep it local and free.
                "-Dquarkus.management.host=127.0.0.1",
                "-Dquarkus.management.port=" + managementPort,
                "-Dapicurio.storage.kind=sql",
                "-Dapicurio.storage.sql.kind=h2",
                "-Dapicurio.rules.global.compatibility=BACKWARD",
                "-jar", jar.toString()))
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(logFile.toFile())
                .start();
        baseUrl = "http://127.0.0.1:" + port + "/apis/ccompat/v7";
        awaitReady();
        LOG.info("Apicurio Registry ready at {} in {} ms (log: {})", baseUrl,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), logFile);
        client = new HttpSchemaRegistry(List.of(baseUrl), null, Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @BeforeEach
    void registryRuns() {
        Assumptions.assumeTrue(apicurio != null, ExternalTools.NO_APICURIO_JAVA);
    }

    @AfterAll
    static void stopApicurio() throws InterruptedException {
        if (apicurio == null) {
            return;
        }
        apicurio.descendants().forEach(ProcessHandle::destroy);
        apicurio.destroy();
        if (!apicurio.waitFor(15, TimeUnit.SECONDS)) {
            apicurio.descendants().forEach(ProcessHandle::destroyForcibly);
            apicurio.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aRegisteredSchemaReadsBackByIdUnchanged() {
        final int id = client.register("it-read-back-value", SecurityEvent.getClassSchema());

        assertThat(id).isPositive();
        assertThat(client.schemaById(id)).isEqualTo(SecurityEvent.getClassSchema());
        assertThat(client.latest("it-read-back-value"))
                .isEqualTo(new SchemaRegistry.Registered(id, 1, SecurityEvent.getClassSchema()));
    }

    @Test
    void lookupFindsARegisteredSchemaAndTellsWhatIsMissing() {
        final int id = client.register("it-lookup-value", securityEventWithout("source_ip"));

        assertThat(client.lookup("it-lookup-value", securityEventWithout("source_ip"))).isEqualTo(id);
        final RegistryException notUnderSubject = catchThrowableOfType(RegistryException.class,
                () -> client.lookup("it-lookup-value", SecurityEvent.getClassSchema()));
        final RegistryException noSubject = catchThrowableOfType(RegistryException.class,
                () -> client.lookup("it-no-such-subject", SecurityEvent.getClassSchema()));
        assertThat(notUnderSubject.status()).isEqualTo(404);
        assertThat(notUnderSubject.errorCode()).isEqualTo(40403);
        assertThat(noSubject.status()).isEqualTo(404);
        assertThat(noSubject.errorCode()).isEqualTo(40401);
        assertThat(noSubject).hasMessageStartingWith("subject 'it-no-such-subject' is not registered");
    }

    @Test
    void theSerdeRoundTripsASecurityEventThroughTheRegistry() {
        // given a serde configured only by Confluent's properties
        final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class);
        serde.configure(Map.of("schema.registry.url", baseUrl), false);
        // when
        final byte[] bytes = serde.serializer().serialize("it-serde", securityEvent());
        // then
        assertThat(idOf(bytes)).isEqualTo(client.lookup("it-serde-value", SecurityEvent.getClassSchema()));
        assertThat(serde.deserializer().deserialize("it-serde", bytes)).isEqualTo(securityEvent());
    }

    @Test
    void dataFromAnOlderCompatibleVersionReadsAsTheCurrentClass() {
        final Schema older = securityEventWithout("source_ip");
        final int olderId = client.register("it-evolution-value", older);
        final int currentId = client.register("it-evolution-value", SecurityEvent.getClassSchema());
        final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class);
        serde.configure(Map.of("schema.registry.url", baseUrl, "auto.register.schemas", "false",
                "use.latest.version", "true"), false);

        final SecurityEvent fromOld = serde.deserializer().deserialize("it-evolution", wire(olderId,
                genericSecurityEvent(older)));

        assertThat(currentId).isNotEqualTo(olderId);
        assertThat(client.latest("it-evolution-value").version()).isEqualTo(2);
        assertThat(fromOld.getSourceIp()).isNull();
        assertThat(fromOld.getDescription()).isEqualTo(securityEvent().getDescription());
        assertThat(idOf(serde.serializer().serialize("it-evolution", securityEvent()))).isEqualTo(currentId);
    }

    @Test
    void aBackwardIncompatibleSecondVersionIsRefusedWith409() {
        // given
        client.register("it-incompatible-value", SecurityEvent.getClassSchema());
        // when a second version adds a required field without a default
        final RegistryException e = catchThrowableOfType(RegistryException.class,
                () -> client.register("it-incompatible-value", securityEventWithExtraField("risk_score", false)));
        // then
        assertThat(e).isNotInstanceOf(RegistryUnavailableException.class);
        assertThat(e.status()).isEqualTo(409);
        assertThat(e).hasMessageStartingWith("schema for subject 'it-incompatible-value' is incompatible with an "
                + "earlier version (BACKWARD): ");
        LOG.info("Apicurio's 409: error_code={} message={}", e.errorCode(), e.getMessage());
    }

    @Test
    void anUnknownSchemaIdIsA404AndAnUnknownSchemaIdDecodingError() {
        final RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.schemaById(987_654));
        final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class);
        serde.configure(Map.of("schema.registry.url", baseUrl), false);

        final AvroDecodingException decoding = catchThrowableOfType(AvroDecodingException.class,
                () -> serde.deserializer().deserialize("it-unknown", SerdeFixtures.header(987_654, (byte) 0)));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e).hasMessageStartingWith("unknown schema id 987654");
        assertThat(decoding.kind()).isEqualTo(Kind.UNKNOWN_SCHEMA_ID);
    }

    private static void awaitReady() throws IOException, InterruptedException {
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        final HttpRequest probe = HttpRequest.newBuilder(URI.create(baseUrl + "/subjects"))
                .timeout(Duration.ofSeconds(2)).build();
        final long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!apicurio.isAlive()) {
                fail("Apicurio Registry exited with status " + apicurio.exitValue() + " during startup; see "
                        + logFile + ":\n" + tail(logFile));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (final IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        fail("Apicurio Registry was not ready within " + STARTUP_TIMEOUT + "; see " + logFile + ":\n"
                + tail(logFile));
    }

    private static String tail(final Path file) throws IOException {
        final List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
