package dev.rotor.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.rotor.topics.AdminTopicsCheck;
import dev.rotor.topics.TopicsCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rotor's operational HTTP endpoints, on the JDK's HTTP server.
 *
 * <ol>
 *   <li>{@code GET /health/live}: 200 {@code {"status":"UP"}} while the process runs.
 *   <li>{@code GET /health/ready}: 200 when every Kafka Streams client is RUNNING, rotor's topics exist (from the
 *       injected {@link TopicsCheck}, which answers from memory) and no {@link dev.rotor.streams.Alarm} is raised (a
 *       record stuck, the schema registry or Vault authentication failing), else 503. Both carry
 *       {@code {"status":"UP"|"DOWN","clients":{application id: state},"topics":{"present":..,"missing":[..]
 *       [,"problem":..]},"alarms":{name: problem}}} and, on 503, {@code "reasons"}: one line per client, topic or alarm
 *       that is not ready. Changes of readiness are logged once at INFO.
 *   <li>{@code GET /metrics}: {@link RotorMetrics#scrape()} as {@value #PROMETHEUS_CONTENT_TYPE} (501 when the metrics
 *       have no Prometheus registry).
 *   <li>{@code GET /stats}: {@link Statistics.Snapshot#toJson()} (200 also when {@code "complete": false}); for the
 *       whole group once {@link #serveGroupStatistics} was called ({@link GroupStatistics}), for this instance alone
 *       with {@code ?scope=instance}.
 *   <li>Any other path: 404; any other method on a known path: 405 with {@code Allow: GET}; an unexpected error: 500
 *       {@code {"error":"internal error"}}, logged with its exception class only. Other query strings are ignored.
 *   <li>No response or log line holds a secret: only client states, topic names, counters and meters.
 *   <li>Two daemon threads serve requests. {@link #close()} stops at once.
 * </ol>
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OpsServer.class);

    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] LIVE = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
    private static final List<String> PATHS = List.of("/health/live", "/health/ready", "/metrics", "/stats");

    /** The current state of each Kafka Streams client, by application id. */
    @FunctionalInterface
    public interface ClientStates {
        Map<String, KafkaStreams.State> states();

        /** The states of {@code clients} (application id → client), read on each call. */
        static ClientStates of(final Map<String, KafkaStreams> clients) {
            final Map<String, KafkaStreams> copy = new LinkedHashMap<>(clients);
            return () -> {
                final Map<String, KafkaStreams.State> states = new LinkedHashMap<>();
                copy.forEach((id, streams) -> states.put(id, streams.state()));
                return states;
            };
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final ClientStates clients;
    private final RotorMetrics metrics;
    private final Statistics statistics;
    private final TopicsCheck topics;
    private volatile Boolean lastReady;
    private volatile GroupStatistics group;

    private OpsServer(
            final HttpServer server,
            final ExecutorService executor,
            final ClientStates clients,
            final RotorMetrics metrics,
            final Statistics statistics,
            final TopicsCheck topics) {
        this.server = server;
        this.executor = executor;
        this.clients = clients;
        this.metrics = metrics;
        this.statistics = statistics;
        this.topics = topics;
    }

    /**
     * Starts serving on {@code bindAddress:port} ({@code RotorConfig.http()}; port 0 = any free port, see
     * {@link #port()}).
     *
     * @param clients rotor's Kafka Streams clients by application id ({@code RotorService.clients()})
     * @param topics whether rotor's topics exist, e.g. an {@link AdminTopicsCheck}
     * @throws UncheckedIOException when the address cannot be bound (in use, unknown host)
     */
    public static OpsServer start(
            final String bindAddress,
            final int port,
            final Map<String, KafkaStreams> clients,
            final RotorMetrics metrics,
            final Statistics statistics,
            final TopicsCheck topics) {
        return start(bindAddress, port, ClientStates.of(clients), metrics, statistics, topics);
    }

    /** Like {@link #start(String, int, Map, RotorMetrics, Statistics, TopicsCheck)} with the clients' states given. */
    public static OpsServer start(
            final String bindAddress,
            final int port,
            final ClientStates clients,
            final RotorMetrics metrics,
            final Statistics statistics,
            final TopicsCheck topics) {
        return serve(listen(bindAddress, port), clients, metrics, statistics, topics);
    }

    /** A bound socket that serves nothing yet: its port is known before the Kafka Streams clients are made. */
    public record Listening(HttpServer server) {
        public int port() {
            return server.getAddress().getPort();
        }
    }

    /**
     * Binds {@code bindAddress:port} (port 0: any free port) without serving, so that the port can be advertised to the
     * other instances ({@code application.server}) before Kafka Streams starts.
     *
     * @throws UncheckedIOException when the address cannot be bound (in use, unknown host)
     */
    public static Listening listen(final String bindAddress, final int port) {
        try {
            return new Listening(
                    HttpServer.create(new InetSocketAddress(InetAddress.getByName(bindAddress), port), 32));
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot listen on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** Starts serving the endpoints on {@code listening}. */
    public static OpsServer serve(
            final Listening listening,
            final ClientStates clients,
            final RotorMetrics metrics,
            final Statistics statistics,
            final TopicsCheck topics) {
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(statistics, "statistics");
        Objects.requireNonNull(topics, "topics");
        final HttpServer server = listening.server();
        final AtomicInteger n = new AtomicInteger();
        final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            final Thread t = new Thread(r, "rotor-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        final OpsServer ops = new OpsServer(server, executor, clients, metrics, statistics, topics);
        server.createContext("/", ops::handle);
        server.setExecutor(executor);
        server.start();
        LOG.info(
                "HTTP endpoints on http://{}:{} ({})",
                server.getAddress().getHostString(),
                ops.port(),
                String.join(", ", PATHS));
        return ops;
    }

    /**
     * From now on {@code /stats} covers the whole group ({@code group}); {@code /stats?scope=instance} keeps answering
     * for this instance alone (what the other instances ask for).
     */
    public void serveGroupStatistics(final GroupStatistics groupStatistics) {
        this.group = groupStatistics;
    }

    private static boolean instanceOnly(final HttpExchange exchange) {
        final String query = exchange.getRequestURI().getRawQuery();
        return query != null && List.of(query.split("&")).contains("scope=instance");
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The address actually bound. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private void handle(final HttpExchange exchange) throws IOException {
        try {
            final String path = exchange.getRequestURI().getPath();
            if (!PATHS.contains(path)) {
                send(exchange, 404, JSON, json(Map.of("error", "not found")));
                return;
            }
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET");
                send(exchange, 405, JSON, json(Map.of("error", "method not allowed")));
                return;
            }
            try {
                switch (path) {
                    case "/health/live" -> send(exchange, 200, JSON, LIVE);
                    case "/health/ready" -> ready(exchange);
                    case "/metrics" -> metrics(exchange);
                    case "/stats" ->
                        send(
                                exchange,
                                200,
                                JSON,
                                json(
                                        group == null || instanceOnly(exchange)
                                                ? statistics.snapshot().toJson()
                                                : group.asJson()));
                    default -> send(exchange, 404, JSON, json(Map.of("error", "not found")));
                }
            } catch (final RuntimeException e) {
                LOG.warn("GET {} failed: {}", path, e.getClass().getName());
                send(exchange, 500, JSON, json(Map.of("error", "internal error")));
            }
        } catch (final IOException e) {
            LOG.debug("HTTP exchange failed: {}", e.toString());
        } finally {
            exchange.close();
        }
    }

    private void ready(final HttpExchange exchange) throws IOException {
        final Map<String, KafkaStreams.State> states = clients.states();
        final TopicsCheck.Result topicsResult = topics.result();
        final List<String> reasons = new ArrayList<>();
        final Map<String, String> clientJson = new LinkedHashMap<>();
        states.forEach((id, state) -> {
            clientJson.put(id, String.valueOf(state));
            if (state != KafkaStreams.State.RUNNING) {
                reasons.add("client " + id + " is " + state);
            }
        });
        if (!topicsResult.present()) {
            topicsResult.missing().forEach(t -> reasons.add("topic " + t + " is missing"));
            if (topicsResult.problem() != null) {
                reasons.add("topics: " + topicsResult.problem());
            }
            if (topicsResult.missing().isEmpty() && topicsResult.problem() == null) {
                reasons.add("topics are not present");
            }
        }
        final Map<String, String> alarmsJson = new LinkedHashMap<>();
        metrics.activeAlarms().forEach((alarm, problem) -> {
            alarmsJson.put(alarm.name().toLowerCase(Locale.ROOT), problem);
            reasons.add(problem);
        });
        final boolean ready = reasons.isEmpty();
        final Map<String, Object> topicsJson = new LinkedHashMap<>();
        topicsJson.put("present", topicsResult.present());
        topicsJson.put("missing", topicsResult.missing());
        if (topicsResult.problem() != null) {
            topicsJson.put("problem", topicsResult.problem());
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "UP" : "DOWN");
        body.put("clients", clientJson);
        body.put("topics", topicsJson);
        body.put("alarms", alarmsJson);
        if (!ready) {
            body.put("reasons", reasons);
        }
        final Boolean before = lastReady;
        if (before == null || before != ready) {
            lastReady = ready;
            if (ready) {
                LOG.info("ready: every client RUNNING and rotor's topics present");
            } else {
                LOG.info("not ready: {}", String.join("; ", reasons));
            }
        }
        send(exchange, ready ? 200 : 503, JSON, json(body));
    }

    private void metrics(final HttpExchange exchange) throws IOException {
        if (!metrics.canScrape()) {
            send(exchange, 501, JSON, json(Map.of("error", "no Prometheus registry")));
            return;
        }
        send(exchange, 200, PROMETHEUS_CONTENT_TYPE, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] json(final Object body) {
        try {
            return MAPPER.writeValueAsBytes(body);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void send(final HttpExchange exchange, final int status, final String contentType, final byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops listening and the request threads at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
