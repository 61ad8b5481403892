package dev.rotor.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible Schema Registry client over {@link HttpClient}: Confluent's own registry or Apicurio's
 * {@code /apis/ccompat/v7}. Several base URLs are tried in turn; a URL that fails to connect, times out or answers
 * 5xx/408/429 is skipped, and the next call starts from the URL that last answered. A 4xx answer is final.
 *
 * <p>Credentials (HTTP basic) are sent as a header only; user info is removed from the base URLs, and neither appears
 * in messages, logs or {@link #toString()}. Thread-safe; one instance per registry is enough for a JVM.
 */
public final class HttpSchemaRegistry implements SchemaRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistry.class);
    /** Content type of Confluent's v1 API. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> baseUrls;
    private final String authorization;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final AtomicInteger preferred = new AtomicInteger();

    /**
     * @param baseUrls registry base URLs ({@code http(s)://host:port[/path]}); user info in them is dropped
     * @param userInfo {@code user:password} for HTTP basic auth, or null for none
     * @param connectTimeout TCP/TLS connect timeout per URL
     * @param requestTimeout time for a whole answer per URL
     */
    public HttpSchemaRegistry(
            final List<String> baseUrls,
            final String userInfo,
            final Duration connectTimeout,
            final Duration requestTimeout) {
        if (baseUrls.isEmpty()) {
            throw new IllegalArgumentException("no schema registry URL");
        }
        this.baseUrls = baseUrls.stream().map(HttpSchemaRegistry::normalise).toList();
        this.authorization = userInfo == null
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The URL-decoded {@code user:password} in a URL, or null (Confluent's {@code credentials.source=URL}). */
    static String userInfoOf(final String url) {
        try {
            return URI.create(url.trim()).getUserInfo();
        } catch (final IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public int register(final String subject, final Schema schema) {
        final JsonNode body = send(
                RegistryCall.REGISTER,
                subject,
                -1,
                "POST",
                "/subjects/" + encode(subject) + "/versions",
                schemaBody(schema));
        return intField(body, "id", RegistryCall.REGISTER, subject, -1);
    }

    @Override
    public int lookup(final String subject, final Schema schema) {
        final JsonNode body =
                send(RegistryCall.LOOKUP, subject, -1, "POST", "/subjects/" + encode(subject), schemaBody(schema));
        return intField(body, "id", RegistryCall.LOOKUP, subject, -1);
    }

    @Override
    public Registered latest(final String subject) {
        final JsonNode body = send(
                RegistryCall.LATEST, subject, -1, "GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        final int id = intField(body, "id", RegistryCall.LATEST, subject, -1);
        return new Registered(
                id,
                intField(body, "version", RegistryCall.LATEST, subject, -1),
                parseSchema(body, RegistryCall.LATEST, subject, id));
    }

    @Override
    public Schema schemaById(final int id) {
        final JsonNode body = send(RegistryCall.SCHEMA_BY_ID, null, id, "GET", "/schemas/ids/" + id, null);
        return parseSchema(body, RegistryCall.SCHEMA_BY_ID, null, id);
    }

    /** Base URLs without credentials, for messages. */
    @Override
    public String toString() {
        return "schema registry " + String.join(",", baseUrls);
    }

    private JsonNode send(
            final RegistryCall call,
            final String subject,
            final int id,
            final String method,
            final String path,
            final String body) {
        final int n = baseUrls.size();
        final int start = preferred.get();
        final List<String> failures = new ArrayList<>(n);
        Throwable lastCause = null;
        int lastStatus = RegistryException.NO_STATUS;
        int lastErrorCode = RegistryException.NO_STATUS;
        for (int i = 0; i < n; i++) {
            final int index = (start + i) % n;
            final String base = baseUrls.get(index);
            final HttpResponse<String> response;
            try {
                response = http.send(request(base + path, method, body), HttpResponse.BodyHandlers.ofString());
            } catch (final IOException e) {
                LOG.debug("schema registry {} {}{} failed: {}", method, base, path, e.toString());
                failures.add(base + " (" + describe(e) + ")");
                lastCause = e;
                continue;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException(
                        "interrupted while trying to " + call.describe(subject, id), RegistryException.NO_STATUS, e);
            }
            final int status = response.statusCode();
            LOG.debug("schema registry {} {}{} -> {}", method, base, path, status);
            if (status / 100 == 2) {
                preferred.set(index);
                try {
                    return JSON.readTree(response.body());
                } catch (final IOException e) {
                    throw new RegistryException(
                            "schema registry at " + base + " answered the request to " + call.describe(subject, id)
                                    + " with a body that is not JSON",
                            status,
                            RegistryException.NO_STATUS);
                }
            }
            final ErrorBody error = ErrorBody.parse(response.body());
            if (RegistryCall.isTransient(status)) {
                failures.add(base + " (HTTP " + status + (error.message == null ? "" : ": " + error.message) + ")");
                lastStatus = status;
                lastErrorCode = error.errorCode;
                lastCause = null;
                continue;
            }
            preferred.set(index);
            final String compatibility =
                    call == RegistryCall.REGISTER && status == 409 ? compatibilityLevel(base, subject) : null;
            throw call.refused(subject, id, status, error.errorCode, error.message, compatibility);
        }
        final String message = "schema registry unavailable: could not " + call.describe(subject, id) + "; tried "
                + String.join(", ", failures);
        throw lastCause != null
                ? new RegistryUnavailableException(message, lastStatus, lastCause)
                : new RegistryUnavailableException(message, lastStatus, lastErrorCode);
    }

    /** The subject's compatibility level for a 409 message; null when the registry will not say. */
    private String compatibilityLevel(final String base, final String subject) {
        try {
            final HttpResponse<String> response = http.send(
                    request(base + "/config/" + encode(subject) + "?defaultToGlobal=true", "GET", null),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            final JsonNode level = JSON.readTree(response.body()).path("compatibilityLevel");
            return level.isTextual() ? level.asText() : null;
        } catch (final IOException | RuntimeException e) {
            return null;
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private HttpRequest request(final String url, final String method, final String body) {
        final HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout).header("Accept", ACCEPT);
        if (authorization != null) {
            builder.header("Authorization", authorization);
        }
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    private static String schemaBody(final Schema schema) {
        return JSON.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static int intField(
            final JsonNode body, final String field, final RegistryCall call, final String subject, final int id) {
        final JsonNode value = body.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new RegistryException(
                    "schema registry answered the request to " + call.describe(subject, id) + " without a numeric '"
                            + field + "'",
                    200,
                    RegistryException.NO_STATUS);
        }
        return value.asInt();
    }

    private static Schema parseSchema(
            final JsonNode body, final RegistryCall call, final String subject, final int id) {
        final String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new RegistryException(
                    "schema id " + id + " is a " + type + " schema, not Avro", 200, RegistryException.NO_STATUS);
        }
        final JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new RegistryException(
                    "schema registry answered the request to " + call.describe(subject, id) + " without a 'schema'",
                    200,
                    RegistryException.NO_STATUS);
        }
        try {
            return new Schema.Parser().parse(schema.asText());
        } catch (final SchemaParseException e) {
            throw new RegistryException(
                    "schema id " + id + " from the registry is not a valid Avro schema: " + e.getMessage(),
                    200,
                    RegistryException.NO_STATUS);
        }
    }

    /** Percent-encodes a subject as one path segment ({@code /} becomes {@code %2F}, space {@code %20}). */
    static String encode(final String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String normalise(final String url) {
        final URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid schema registry URL (not shown, it may hold credentials)");
        }
        final String scheme = uri.getScheme();
        if (scheme == null
                || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
                || uri.getHost() == null) {
            throw new IllegalArgumentException("schema registry URL must be http(s)://host[:port][/path], got "
                    + (scheme == null ? "no scheme" : "scheme '" + scheme + "'"));
        }
        final String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        return scheme.toLowerCase(Locale.ROOT) + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + path;
    }

    private static String describe(final IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank()
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Confluent's error body {@code {"error_code": 40401, "message": "..."}}, read leniently. */
    private record ErrorBody(int errorCode, String message) {
        static ErrorBody parse(final String body) {
            try {
                final JsonNode node = JSON.readTree(body);
                final JsonNode code = node.path("error_code");
                final JsonNode message = node.path("message");
                return new ErrorBody(
                        code.canConvertToInt() ? code.asInt() : RegistryException.NO_STATUS,
                        message.isTextual() ? message.asText() : null);
            } catch (final IOException | RuntimeException e) {
                return new ErrorBody(RegistryException.NO_STATUS, null);
            }
        }
    }
}
