package dev.rotor.devvault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front of the dev Vault. For each exchange, in Vault's order: fault switches, the unauthenticated
 * {@code sys/health} and {@code sys/seal-status}, the seal, body parsing, token authentication, the ACL check, routing
 * to a mount (404 "no handler for route" when none), then rendering of the engine's answer with Vault's headers and
 * envelope. Records every request (method, path, status; never bodies or tokens).
 */
final class VaultHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(VaultHandler.class);
    private static final int LOG_CAPACITY = 10_000;
    private static final Set<String> UNAUTHENTICATED_PREFIXES = Set.of("auth/userpass/login/");
    private static final Set<String> UNAUTHENTICATED_PATHS = Set.of("auth/approle/login");

    private final Clock clock;
    private final MountTable mounts;
    private final TokenStore tokens;
    private final PolicyStore policies;
    private final SysEndpoints sys;
    private final Faults faults;
    private final Deque<Request> log = new ArrayDeque<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();

    /** The engine's answer plus what rendering needs. */
    private record Outcome(ApiResponse response, String mountType, ApiRequest request, boolean injected) {
        static Outcome bare(ApiResponse response) {
            return new Outcome(response, null, null, false);
        }
    }

    VaultHandler(
            Clock clock, MountTable mounts, TokenStore tokens, PolicyStore policies, SysEndpoints sys, Faults faults) {
        this.clock = clock;
        this.mounts = mounts;
        this.tokens = tokens;
        this.policies = policies;
        this.sys = sys;
        this.faults = faults;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        URI uri = exchange.getRequestURI();
        String path = uri.getPath();
        String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
        String namespace = exchange.getRequestHeaders().getFirst("X-Vault-Namespace");
        String apiPath = path.startsWith("/v1/") ? path.substring(4) : Faults.normalise(path);
        boolean recorded = false;
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Duration delay = faults.delay();
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            String requestId = Secrets.uuid();
            Faults.Redirect redirect = faults.takeRedirect(method, path, query);
            if (redirect != null) {
                // answered before anything is applied, as a standby node or a proxy sending the client elsewhere
                record(method, path, query, redirect.status(), namespace, false, true);
                recorded = true;
                exchange.getResponseHeaders().set("Location", redirect.location());
                exchange.getResponseHeaders().set("Cache-Control", "no-store");
                exchange.sendResponseHeaders(redirect.status(), -1);
                LOG.debug("dev vault {} {} -> {} (injected redirect)", method, path, redirect.status());
                return;
            }
            Integer injected = faults.takeFailure(method, apiPath);
            Outcome outcome = injected != null
                    ? new Outcome(Faults.injectedError(injected, apiPath), null, null, true)
                    : dispatch(exchange, method, path, query, body, requestId);
            int status = outcome.response().status();
            Duration hold = faults.takeDrop(method, apiPath);
            if (hold != null) {
                record(method, path, query, status, namespace, true, outcome.injected());
                LOG.debug("dev vault {} {} -> applied, dropping the connection", method, path);
                if (!hold.isZero()) {
                    Thread.sleep(hold.toMillis());
                }
                return; // closing the exchange before any header is sent closes the socket
            }
            // Recorded before answering, so a client that got its answer always finds its request in the log.
            record(method, path, query, status, namespace, false, outcome.injected());
            recorded = true;
            send(exchange, method, outcome, requestId);
            LOG.debug("dev vault {} {} -> {}", method, path, status);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("dev vault failed on {} {}: {}", method, path, e.getClass().getSimpleName());
            if (!recorded) {
                record(method, path, query, 500, namespace, false, false);
            }
            try {
                send(exchange, method, Outcome.bare(ApiResponse.error(500, "internal error")), Secrets.uuid());
            } catch (IOException | RuntimeException ignored) {
                // the client is gone or headers were already sent
            }
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    /** The most requests this Vault was handling at once since it started (or since {@link #clearRequests}). */
    int mostInFlight() {
        return mostInFlight.get();
    }

    private Outcome dispatch(
            HttpExchange exchange, String method, String path, String rawQuery, byte[] body, String requestId) {
        if (!path.startsWith("/v1/")) {
            return Outcome.bare(ApiResponse.error(404));
        }
        String apiPath = path.substring(4);
        Map<String, String> query = parseQuery(rawQuery);
        Operation op = operation(method, query);
        if (op == null) {
            return Outcome.bare(ApiResponse.error(405));
        }
        if (apiPath.equals("sys/health")) {
            return new Outcome(
                    op == Operation.READ || op == Operation.HEAD
                            ? sys.health(op == Operation.HEAD, query)
                            : ApiResponse.unsupportedOperation(),
                    null,
                    null,
                    false);
        }
        if (apiPath.equals("sys/seal-status")) {
            return Outcome.bare(op == Operation.READ ? sys.sealStatus() : ApiResponse.unsupportedOperation());
        }
        if (sys.sealed()) {
            return Outcome.bare(ApiResponse.error(503, "Vault is sealed"));
        }
        if (op == Operation.HEAD) {
            return Outcome.bare(ApiResponse.unsupportedOperation());
        }
        if (op == Operation.LIST && !apiPath.endsWith("/")) {
            apiPath = apiPath + "/";
        }
        if (op == Operation.PATCH) {
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType == null
                    || !contentType.toLowerCase(Locale.ROOT).startsWith("application/merge-patch+json")) {
                return Outcome.bare(ApiResponse.error(415, "PATCH requires Content-Type application/merge-patch+json"));
            }
        }
        ObjectNode params;
        try {
            params = parameters(op, body, query);
        } catch (ApiError e) {
            return Outcome.bare(e.response());
        }
        ApiRequest request = new ApiRequest(requestId, method, op, apiPath, params);
        MountTable.Resolved route = mounts.resolve(apiPath);

        if (!isUnauthenticated(apiPath)) {
            TokenStore.Authentication auth = tokens.authenticate(token(exchange));
            switch (auth.status()) {
                case MISSING -> {
                    return Outcome.bare(ApiResponse.error(403, "permission denied"));
                }
                case INVALID -> {
                    return Outcome.bare(ApiResponse.error(403, TokenStore.INVALID_TOKEN));
                }
                default -> {}
            }
            request.token(auth.token());
            Capability needed = capability(op, route);
            Acl acl = policies.aclFor(auth.token().allPolicies());
            if (!acl.allows(apiPath, needed, needsSudo(apiPath))) {
                return Outcome.bare(ApiResponse.error(403, "permission denied"));
            }
        }
        if (route == null) {
            return Outcome.bare(
                    ApiResponse.error(404, "no handler for route \"" + apiPath + "\". route entry not found."));
        }
        Engine engine = route.mount().engine();
        ApiResponse response;
        try {
            response = engine.handle(request, route.relPath());
        } catch (ApiError e) {
            response = e.response();
        }
        return new Outcome(response, engine.type(), request, false);
    }

    private static Operation operation(String method, Map<String, String> query) {
        return switch (method) {
            case "GET" -> "true".equalsIgnoreCase(query.get("list")) ? Operation.LIST : Operation.READ;
            case "LIST" -> Operation.LIST;
            case "POST", "PUT" -> Operation.WRITE;
            case "DELETE" -> Operation.DELETE;
            case "PATCH" -> Operation.PATCH;
            case "HEAD" -> Operation.HEAD;
            default -> null;
        };
    }

    /** Body for writes, query parameters (minus {@code list}) for everything else, as Vault does. */
    private static ObjectNode parameters(Operation op, byte[] body, Map<String, String> query) {
        if (op == Operation.WRITE || op == Operation.PATCH) {
            if (body.length == 0 || new String(body, StandardCharsets.UTF_8).isBlank()) {
                return Json.object();
            }
            try {
                JsonNode parsed = Json.MAPPER.readTree(body);
                if (parsed == null || parsed.isNull()) {
                    return Json.object();
                }
                if (!parsed.isObject()) {
                    throw ApiError.badRequest("failed to parse JSON input: the body must be a JSON object");
                }
                return (ObjectNode) parsed;
            } catch (JsonProcessingException e) {
                // Jackson's message quotes the input, which may hold secrets: keep it out of the answer.
                throw ApiError.badRequest("failed to parse JSON input: malformed JSON");
            } catch (IOException e) {
                throw ApiError.badRequest("failed to parse JSON input: unreadable body");
            }
        }
        ObjectNode params = Json.object();
        query.forEach((k, v) -> {
            if (!k.equals("list")) {
                params.put(k, v);
            }
        });
        return params;
    }

    private Capability capability(Operation op, MountTable.Resolved route) {
        return switch (op) {
            case READ -> Capability.READ;
            case LIST -> Capability.LIST;
            case DELETE -> Capability.DELETE;
            case PATCH -> Capability.PATCH;
            default ->
                route != null && route.mount().engine().writeCreates(route.relPath())
                        ? Capability.CREATE
                        : Capability.UPDATE;
        };
    }

    private static boolean needsSudo(String apiPath) {
        return apiPath.startsWith("sys/") && LeaseEngine.needsSudo(apiPath.substring(4));
    }

    private static boolean isUnauthenticated(String apiPath) {
        if (UNAUTHENTICATED_PATHS.contains(apiPath)) {
            return true;
        }
        for (String prefix : UNAUTHENTICATED_PREFIXES) {
            if (apiPath.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String token(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("X-Vault-Token");
        if (header != null && !header.isEmpty()) {
            return header.trim();
        }
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        return null;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(key, value);
        }
        return out;
    }

    // ---- rendering -------------------------------------------------------------------------------------------

    private static void send(HttpExchange exchange, String method, Outcome outcome, String requestId)
            throws IOException {
        ApiResponse r = outcome.response();
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        JsonNode body = render(outcome, requestId);
        if (body == null || method.equals("HEAD")) {
            exchange.sendResponseHeaders(r.status(), -1);
            return;
        }
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        exchange.sendResponseHeaders(r.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static JsonNode render(Outcome outcome, String requestId) {
        ApiResponse r = outcome.response();
        switch (r.kind()) {
            case EMPTY -> {
                return null;
            }
            case RAW -> {
                return r.raw();
            }
            case ERRORS -> {
                ObjectNode body = Json.object();
                ArrayNode errors = body.putArray("errors");
                r.errors().forEach(errors::add);
                return body;
            }
            default -> {
                return envelope(outcome, requestId);
            }
        }
    }

    /** Vault's response envelope, in Go struct field order. */
    private static JsonNode envelope(Outcome outcome, String requestId) {
        ApiResponse r = outcome.response();
        List<String> warnings = new ArrayList<>(r.warnings());
        if (r.status() == 200 && outcome.request() != null) {
            List<String> unknown = outcome.request().unrecognizedFields();
            if (!unknown.isEmpty()) {
                warnings.add("Endpoint ignored these unrecognized parameters: [" + String.join(" ", unknown) + "]");
            }
        }
        ObjectNode body = Json.object();
        body.put("request_id", requestId);
        body.put("lease_id", r.leaseId());
        body.put("renewable", r.renewable());
        body.put("lease_duration", r.leaseDuration());
        JsonNode data = r.data() == null ? NullNode.instance : Json.tree(r.data());
        body.set("data", data);
        body.putNull("wrap_info");
        if (warnings.isEmpty()) {
            body.putNull("warnings");
        } else {
            ArrayNode array = body.putArray("warnings");
            warnings.forEach(array::add);
        }
        body.set("auth", r.auth() == null ? NullNode.instance : Json.tree(r.auth()));
        if (outcome.mountType() != null) {
            body.put("mount_type", outcome.mountType());
        }
        if (r.isDataAlsoTopLevel() && data.isObject()) {
            data.properties().forEach(e -> {
                if (!body.has(e.getKey())) {
                    body.set(e.getKey(), e.getValue());
                }
            });
        }
        return body;
    }

    // ---- request log -----------------------------------------------------------------------------------------

    private void record(
            String method, String path, String query, int status, String namespace, boolean dropped, boolean injected) {
        Request entry = new Request(clock.instant(), method, path, query, status, namespace, dropped, injected);
        synchronized (log) {
            if (log.size() == LOG_CAPACITY) {
                log.removeFirst();
            }
            log.addLast(entry);
        }
        counters.computeIfAbsent(method + " " + path, k -> new AtomicInteger()).incrementAndGet();
    }

    List<Request> requests() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    void clearRequests() {
        synchronized (log) {
            log.clear();
        }
        mostInFlight.set(inFlight.get());
    }

    int callCount(String method, String path) {
        AtomicInteger n = counters.get(method.toUpperCase(Locale.ROOT) + " " + path);
        return n == null ? 0 : n.get();
    }
}
