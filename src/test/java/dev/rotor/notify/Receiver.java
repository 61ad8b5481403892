package dev.rotor.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A webhook receiver on 127.0.0.1 started by a test: records every request (path, content type, JSON body) and answers
 * with the scripted replies in order, then with the default (200, or 202 as PagerDuty answers).
 */
final class Receiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received. */
    record Request(String path, String contentType, JsonNode body) {}

    /** An answer: status, optional Retry-After, and a delay before answering. */
    record Reply(int status, String retryAfter, Duration delay) {
        static Reply status(final int status) {
            return new Reply(status, null, Duration.ZERO);
        }

        static Reply slow(final Duration delay) {
            return new Reply(200, null, delay);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
    private volatile int defaultStatus = 200;

    Receiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            final Thread t = new Thread(r, "test-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                final byte[] body = exchange.getRequestBody().readAllBytes();
                requests.add(new Request(
                        exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders().getFirst("Content-Type"),
                        JSON.readTree(new String(body, StandardCharsets.UTF_8))));
                final Reply reply = script.poll();
                final int status = reply == null ? defaultStatus : reply.status();
                if (reply != null && !reply.delay().isZero()) {
                    try {
                        Thread.sleep(reply.delay().toMillis());
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (reply != null && reply.retryAfter() != null) {
                    exchange.getResponseHeaders().set("Retry-After", reply.retryAfter());
                }
                final byte[] answer = (status == 202
                                ? "{\"status\":\"success\",\"message\":\"Event processed\"}"
                                : "ok")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, answer.length);
                exchange.getResponseBody().write(answer);
            } catch (final IOException e) {
                // the client gave up (a timeout test): nothing to answer
            }
        });
        server.start();
    }

    /** Answers with {@code status} when nothing is scripted (PagerDuty answers 202). */
    Receiver answering(final int status) {
        this.defaultStatus = status;
        return this;
    }

    /** The next requests get these replies, in order. */
    Receiver then(final Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(final String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
