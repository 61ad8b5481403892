package dev.rotor.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP client against a tiny in-process fake registry (the JDK's HttpServer). */
class HttpSchemaRegistryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "pa55-w0rd-SECRET";

    private final List<FakeRegistry> fakes = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopFakes() {
        fakes.forEach(f -> f.server.stop(0));
    }

    private FakeRegistry fake(final Function<Request, Answer> answers) throws IOException {
        final FakeRegistry fake = new FakeRegistry(answers);
        fakes.add(fake);
        return fake;
    }

    private static HttpSchemaRegistry client(final String userInfo, final String... urls) {
        return new HttpSchemaRegistry(List.of(urls), userInfo, Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void registerPostsTheSchemaWithBasicAuthAndReturnsTheId() throws Exception {
        // given
        final FakeRegistry fake = fake(r -> new Answer(200, "{\"id\":7}"));
        final HttpSchemaRegistry client = client("rotor:" + PASSWORD, fake.url("/apis/ccompat/v7"));
        // when
        final int id = client.register("security-events-value", SecurityEvent.getClassSchema());
        // then
        assertThat(id).isEqualTo(7);
        final Request request = fake.requests.get(0);
        assertThat(request.method).isEqualTo("POST");
        assertThat(request.rawPath).isEqualTo("/apis/ccompat/v7/subjects/security-events-value/versions");
        assertThat(request.contentType).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.authorization)
                .isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString(("rotor:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertThat(new Schema.Parser()
                        .parse(JSON.readTree(request.body).get("schema").asText()))
                .isEqualTo(SecurityEvent.getClassSchema());
    }

    @Test
    void subjectsArePercentEncodedAsOnePathSegment() throws Exception {
        final FakeRegistry fake =
                fake(r -> new Answer(200, "{\"subject\":\"x\",\"id\":3,\"version\":2,\"schema\":\"\\\"string\\\"\"}"));
        final HttpSchemaRegistry client = client(null, fake.url(""));

        final SchemaRegistry.Registered latest = client.latest("team/a b-value");

        assertThat(fake.requests.get(0).rawPath).isEqualTo("/subjects/team%2Fa%20b-value/versions/latest");
        assertThat(fake.requests.get(0).authorization).isNull();
        assertThat(latest).isEqualTo(new SchemaRegistry.Registered(3, 2, Schema.create(Schema.Type.STRING)));
    }

    @Test
    void lookupAndSchemaByIdUseConfluentsPaths() throws Exception {
        final FakeRegistry fake = fake(r -> r.rawPath.startsWith("/schemas/ids/")
                ? new Answer(200, "{\"schema\":\"\\\"long\\\"\"}")
                : new Answer(200, "{\"subject\":\"s\",\"id\":4,\"version\":1,\"schema\":\"\\\"long\\\"\"}"));
        final HttpSchemaRegistry client = client(null, fake.url("/"));

        assertThat(client.lookup("s", Schema.create(Schema.Type.LONG))).isEqualTo(4);
        assertThat(client.schemaById(4)).isEqualTo(Schema.create(Schema.Type.LONG));
        assertThat(fake.requests)
                .extracting(r -> r.method + " " + r.rawPath)
                .containsExactly("POST /subjects/s", "GET /schemas/ids/4");
    }

    @Test
    void aServerErrorIsTransientAndTheMessageHoldsNoCredentials() throws Exception {
        final FakeRegistry fake = fake(r -> new Answer(503, "{\"error_code\":50003,\"message\":\"storage down\"}"));
        final HttpSchemaRegistry client = client("rotor:" + PASSWORD, fake.url(""));

        final RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.schemaById(1));

        assertThat(e).isInstanceOf(RegistryUnavailableException.class);
        assertThat(e.status()).isEqualTo(503);
        assertThat(e)
                .hasMessageContaining("schema registry unavailable")
                .hasMessageContaining("HTTP 503")
                .hasMessageContaining("storage down")
                .hasMessageNotContaining(PASSWORD);
    }

    @Test
    void aRefusedConnectionIsTransient() throws Exception {
        final HttpSchemaRegistry client = client(null, "http://127.0.0.1:" + FreePorts.one());

        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("could not get schema id 1");
    }

    @Test
    void aSlowRegistryTimesOutAsTransient() throws Exception {
        final FakeRegistry fake = fake(r -> {
            sleep(1_000);
            return new Answer(200, "{\"schema\":\"\\\"long\\\"\"}");
        });
        final HttpSchemaRegistry client =
                new HttpSchemaRegistry(List.of(fake.url("")), null, Duration.ofSeconds(1), Duration.ofMillis(200));

        assertThatThrownBy(() -> client.schemaById(1))
                .isInstanceOf(RegistryUnavailableException.class)
                .hasMessageContaining("HttpTimeoutException");
    }

    @Test
    void theNextUrlIsTriedWhenOneFailsAndRememberedForLaterCalls() throws Exception {
        final FakeRegistry down = fake(r -> new Answer(500, "oops"));
        final FakeRegistry up = fake(r -> new Answer(200, "{\"schema\":\"\\\"long\\\"\"}"));
        final HttpSchemaRegistry client = client(null, "http://127.0.0.1:" + FreePorts.one(), down.url(""), up.url(""));

        client.schemaById(1);
        client.schemaById(2);

        assertThat(down.requests).hasSize(1);
        assertThat(up.requests).hasSize(2);
    }

    @Test
    void anUnknownIdIsANonTransient404() throws Exception {
        final FakeRegistry fake =
                fake(r -> new Answer(404, "{\"error_code\":40403,\"message\":\"Schema 42 not found\"}"));

        final RegistryException e = catchThrowableOfType(
                RegistryException.class, () -> client(null, fake.url("")).schemaById(42));

        assertThat(e).isNotInstanceOf(RegistryUnavailableException.class);
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.errorCode()).isEqualTo(40403);
        assertThat(e).hasMessage("unknown schema id 42: Schema 42 not found");
    }

    @Test
    void anIncompatibleRegistrationNamesTheSubjectAndTheCompatibilityLevel() throws Exception {
        final FakeRegistry fake = fake(r -> r.rawPath.startsWith("/config/")
                ? new Answer(200, "{\"compatibilityLevel\":\"BACKWARD\"}")
                : new Answer(409, "{\"error_code\":409,\"message\":\"Schema being registered is incompatible\"}"));

        final RegistryException e = catchThrowableOfType(
                RegistryException.class,
                () -> client(null, fake.url("")).register("security-events-value", SecurityEvent.getClassSchema()));

        assertThat(e.status()).isEqualTo(409);
        assertThat(e)
                .hasMessage("schema for subject 'security-events-value' is incompatible with an earlier "
                        + "version (BACKWARD): Schema being registered is incompatible");
        assertThat(fake.requests.get(1).rawPath).isEqualTo("/config/security-events-value");
    }

    @Test
    void aRefusedLoginIsNotTransientAndDoesNotEchoTheCredentials() throws Exception {
        final FakeRegistry fake = fake(r -> new Answer(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}"));

        final RegistryException e = catchThrowableOfType(
                RegistryException.class,
                () -> client("rotor:" + PASSWORD, fake.url("")).schemaById(1));

        assertThat(e).isNotInstanceOf(RegistryUnavailableException.class);
        assertThat(e.status()).isEqualTo(401);
        assertThat(e).hasMessageContaining("not authenticated").hasMessageNotContaining(PASSWORD);
    }

    @Test
    void theFactoryTakesPrefixedUserInfoAndSeveralUrls() throws Exception {
        final FakeRegistry fake = fake(r -> new Answer(200, "{\"schema\":\"\\\"long\\\"\"}"));
        final SchemaRegistry registry = SchemaRegistries.fromConfig(Map.of(
                "schema.registry.url", "http://127.0.0.1:" + FreePorts.one() + ", " + fake.url(""),
                "schema.registry.basic.auth.credentials.source", "USER_INFO",
                "schema.registry.basic.auth.user.info", "rotor:" + PASSWORD));

        registry.schemaById(9);
        registry.schemaById(9);

        assertThat(fake.requests).hasSize(1); // the second answer came from the cache
        assertThat(fake.requests.get(0).authorization)
                .isEqualTo("Basic "
                        + Base64.getEncoder().encodeToString(("rotor:" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
        assertThat(registry.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void credentialsInTheUrlAreSentAsAHeaderAndNeverShown() throws Exception {
        final FakeRegistry fake = fake(r -> new Answer(503, ""));
        final String url = fake.url("").replace("http://", "http://rotor:" + PASSWORD + "@");
        final SchemaRegistry registry =
                SchemaRegistries.fromConfig(Map.of("schema.registry.url", url, "basic.auth.credentials.source", "URL"));

        final RegistryException e = catchThrowableOfType(RegistryException.class, () -> registry.schemaById(1));

        assertThat(fake.requests.get(0).authorization).startsWith("Basic ");
        assertThat(e).hasMessageNotContaining(PASSWORD);
        assertThat(registry.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void userInfoWithoutAColonIsAConfigErrorThatDoesNotShowIt() {
        assertThatThrownBy(() -> SchemaRegistries.fromConfig(Map.of(
                        "schema.registry.url",
                        "http://127.0.0.1:1",
                        "basic.auth.credentials.source",
                        "USER_INFO",
                        "basic.auth.user.info",
                        PASSWORD)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("user:password")
                .hasMessageNotContaining(PASSWORD);
    }

    private static void sleep(final long millis) {
        try {
            Thread.sleep(millis);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    record Request(String method, String rawPath, String contentType, String authorization, String body) {}

    record Answer(int status, String body) {}

    /** Records every request and answers with the given function. */
    static final class FakeRegistry {
        final HttpServer server;
        final List<Request> requests = new CopyOnWriteArrayList<>();

        FakeRegistry(final Function<Request, Answer> answers) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> handle(exchange, answers));
            server.start();
        }

        private void handle(final HttpExchange exchange, final Function<Request, Answer> answers) throws IOException {
            try (exchange) {
                final Request request = new Request(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getRawPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        exchange.getRequestHeaders().getFirst("Authorization"),
                        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                requests.add(request);
                final Answer answer = answers.apply(request);
                final byte[] body = answer.body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
                exchange.sendResponseHeaders(answer.status, body.length == 0 ? -1 : body.length);
                if (body.length > 0) {
                    exchange.getResponseBody().write(body);
                }
            }
        }

        String url(final String path) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + path;
        }
    }
}
