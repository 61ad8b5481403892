package dev.rotor.devvault;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stranger's HTTP server on 127.0.0.1, the target of the dev Vault's injected redirects: it records which requests
 * reached it and whether they carried a Vault token, and answers every request 200 with a Vault-shaped KV write answer
 * (so a client that follows the redirect believes its write succeeded). The token itself is never kept.
 */
public final class RecordingServer implements AutoCloseable {
    /** One request received: method, path, and whether an {@code X-Vault-Token} header came with it. */
    public record Received(String method, String path, boolean carriedToken, int bodyBytes) {}

    private static final byte[] ANSWER = ("{\"request_id\":\"00000000-0000-0000-0000-000000000000\",\"lease_id\":\"\","
                    + "\"renewable\":false,\"lease_duration\":0,\"data\":{\"version\":2,\"created_time\":"
                    + "\"2026-01-01T00:00:00.000000000Z\",\"deletion_time\":\"\",\"destroyed\":false,\"custom_metad"
                    + "ata\":null},"
                    + "\"wrap_info\":null,\"warnings\":null,\"auth\":null}")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public RecordingServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (exchange) {
                final int bytes = exchange.getRequestBody().readAllBytes().length;
                final String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
                received.add(new Received(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath(),
                        token != null && !token.isEmpty(),
                        bytes));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, ANSWER.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(ANSWER);
                }
            }
        });
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
