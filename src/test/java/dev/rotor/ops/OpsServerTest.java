package dev.rotor.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.topics.TopicsCheck;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, State> states = new ConcurrentHashMap<>();
    private final AtomicReference<TopicsCheck.Result> topics =
            new AtomicReference<>(TopicsCheck.Result.unknown("topics not checked yet"));
    private RotorMetrics metrics;
    private OpsServer server;

    @BeforeEach
    void start() {
        states.put("rotor-detection", State.CREATED);
        states.put("rotor-executor", State.CREATED);
        metrics = RotorMetrics.create();
        final StoreReader detection = store -> store.equals("event-statistics")
                ? Optional.of(Map.of("total_events", 12L, "invalid_events", 1L))
                : Optional.empty();
        final StoreReader executor = store -> store.equals("executor-statistics")
                ? Optional.of(Map.of("successful_rotations", 4L, "failed_rotations", 0L, "notifications_sent", 4L))
                : Optional.empty();
        final Map<String, StoreReader> readers = new LinkedHashMap<>();
        readers.put("rotor-detection", detection);
        readers.put("rotor-executor", executor);
        server = OpsServer.start(
                "127.0.0.1", 0, () -> new LinkedHashMap<>(states), metrics, new Statistics(readers), topics::get);
    }

    @AfterEach
    void stop() {
        server.close();
        metrics.close();
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(final HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    @Test
    void boundToAFreePortWhenPortIsZero() {
        assertThat(server.port()).isPositive();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void livenessIsUpWhateverTheClientsDo() throws Exception {
        states.put("rotor-detection", State.ERROR);
        final HttpResponse<String> live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).get("status").asText()).isEqualTo("UP");
        assertThat(live.headers().firstValue("Content-Type"))
                .hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
    }

    @Test
    void readinessTurnsFrom503To200WhenEveryClientRunsAndTopicsExist() throws Exception {
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("DOWN");
        assertThat(body.get("clients").get("rotor-detection").asText()).isEqualTo("CREATED");
        assertThat(body.get("reasons").toString())
                .contains(
                        "client rotor-detection is CREATED",
                        "client rotor-executor is CREATED",
                        "topics not checked yet");

        states.put("rotor-detection", State.RUNNING);
        states.put("rotor-executor", State.REBALANCING);
        topics.set(TopicsCheck.Result.missing(List.of("rotation-commands")));
        ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        body = JSON.readTree(ready.body());
        assertThat(body.get("reasons").toString())
                .contains("client rotor-executor is REBALANCING", "topic rotation-commands is missing")
                .doesNotContain("rotor-detection is");
        assertThat(body.get("topics").get("missing").get(0).asText()).isEqualTo("rotation-commands");

        states.put("rotor-executor", State.RUNNING);
        topics.set(TopicsCheck.Result.PRESENT);
        ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        body = JSON.readTree(ready.body());
        assertThat(body.get("status").asText()).isEqualTo("UP");
        assertThat(body.has("reasons")).isFalse();
        assertThat(body.get("topics").get("present").asBoolean()).isTrue();

        states.put("rotor-executor", State.PENDING_SHUTDOWN);
        assertThat(get("/health/ready").statusCode())
                .as("shutting down is not ready")
                .isEqualTo(503);
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/health").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/extra").statusCode()).isEqualTo(404);
        final HttpResponse<String> post =
                send(HttpRequest.newBuilder(uri("/health/live")).POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET");
        assertThat(send(HttpRequest.newBuilder(uri("/stats")).DELETE()).statusCode())
                .isEqualTo(405);
        assertThat(send(HttpRequest.newBuilder(uri("/metrics")).method("HEAD", HttpRequest.BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(405);
    }

    @Test
    void metricsArePrometheusTextWithRotorsMeters() throws Exception {
        metrics.decision("ROTATE", "manual_trigger");
        metrics.command("manual-trigger");
        metrics.result("ROTATED", "kv2");
        metrics.vaultCall("kv2", "ok", Duration.ofMillis(20));
        metrics.detectionToResult(Duration.ofMillis(250));

        final HttpResponse<String> response = get("/metrics?ignored=1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE rotor_decisions_total counter")
                .contains("rotor_decisions_total{decision=\"ROTATE\",event_type=\"manual_trigger\"} 1")
                .contains("rotor_commands_total{rule=\"manual-trigger\"} 1")
                .contains("rotor_results_total{status=\"ROTATED\",strategy=\"kv2\"} 1")
                .contains("rotor_vault_call_seconds_count{outcome=\"ok\",strategy=\"kv2\"} 1")
                .contains("rotor_detection_to_result_seconds_bucket{le=\"0.25\"} 1")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void statsAreTheDesignStatisticsAsJson() throws Exception {
        final HttpResponse<String> response = get("/stats");
        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = JSON.readTree(response.body());
        assertThat(body.fieldNames())
                .toIterable()
                .containsExactly(
                        "total_events",
                        "emergency_rotations",
                        "successful_rotations",
                        "failed_rotations",
                        "notifications_sent",
                        "success_rate",
                        "suppressed",
                        "duplicates",
                        "invalid_events",
                        "late_events",
                        "already_mitigated",
                        "dry_runs",
                        "held",
                        "unmapped_events",
                        "not_relevant_events",
                        "complete",
                        "stores");
        assertThat(body.get("total_events").asLong()).isEqualTo(12);
        assertThat(body.get("successful_rotations").asLong()).isEqualTo(4);
        assertThat(body.get("success_rate").asDouble()).isEqualTo(1.0);
        assertThat(body.get("complete").asBoolean()).isTrue();
        assertThat(body.get("stores").get("decision-statistics").asText()).isEqualTo("not_hosted");
    }

    @Test
    void aFailingEndpointAnswers500WithoutDetails() throws Exception {
        try (RotorMetrics m = RotorMetrics.forTests();
                OpsServer broken = OpsServer.start(
                        "127.0.0.1",
                        0,
                        () -> Map.of(),
                        m,
                        new Statistics(Map.of("x", store -> {
                            throw new IllegalArgumentException("boom");
                        })),
                        () -> {
                            throw new IllegalStateException("topics check crashed");
                        })) {
            final URI base = URI.create("http://127.0.0.1:" + broken.port());
            final HttpResponse<String> ready = HTTP.send(
                    HttpRequest.newBuilder(base.resolve("/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(500);
            assertThat(ready.body()).isEqualTo("{\"error\":\"internal error\"}");
            final HttpResponse<String> metricsResponse = HTTP.send(
                    HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metricsResponse.statusCode())
                    .as("no Prometheus registry")
                    .isEqualTo(501);
            final HttpResponse<String> stats = HTTP.send(
                    HttpRequest.newBuilder(base.resolve("/stats")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(stats.statusCode())
                    .as("a broken reader is an unavailable store")
                    .isEqualTo(200);
            assertThat(JSON.readTree(stats.body()).get("complete").asBoolean()).isFalse();
        }
    }

    @Test
    void aTakenPortIsAClearError() {
        assertThatThrownBy(() -> OpsServer.start(
                        "127.0.0.1",
                        server.port(),
                        Map.of(),
                        metrics,
                        new Statistics(Map.of()),
                        TopicsCheck.ALWAYS_PRESENT))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot listen on 127.0.0.1:" + server.port());
    }
}
