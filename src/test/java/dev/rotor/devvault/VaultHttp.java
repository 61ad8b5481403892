package dev.rotor.devvault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A minimal raw-HTTP Vault client for the dev Vault tests (the way rotor's own client talks to Vault). */
final class VaultHttp {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    /** An answer: status, headers and the raw body (empty for 204). */
    record Answer(int status, String contentType, String cacheControl, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final String address;

    VaultHttp(String address) {
        this.address = address;
    }

    Answer send(String method, String path, String token, Object body) throws IOException, InterruptedException {
        return send(
                method, path, token == null ? Map.of() : Map.of("X-Vault-Token", token), body, Duration.ofSeconds(10));
    }

    Answer send(String method, String path, Map<String, String> headers, Object body, Duration timeout)
            throws IOException, InterruptedException {
        String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(address + path))
                .timeout(timeout)
                .header("X-Vault-Request", "true")
                .method(
                        method,
                        text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        headers.forEach(request::header);
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(null),
                response.headers().firstValue("Cache-Control").orElse(null),
                response.body());
    }
}
