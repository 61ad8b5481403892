package dev.rotor.serde;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Builds a {@link SchemaRegistry} from Confluent's client properties, so rotor's serde is configured exactly like
 * Confluent's:
 *
 * <ul>
 *   <li>{@code schema.registry.url}: {@code mock://<scope>} ({@link MockSchemaRegistry}) or one or more comma-separated
 *       {@code http(s)://} base URLs ({@link HttpSchemaRegistry} behind a {@link CachingSchemaRegistry});
 *   <li>{@code basic.auth.credentials.source} ({@code USER_INFO} or {@code URL}) and {@code basic.auth.user.info}
 *       ({@code user:password}), also with the {@code schema.registry.} prefix; without a source, user info is used
 *       when given, else credentials in the URL;
 *   <li>{@code http.connect.timeout.ms} (default 5000) and {@code http.read.timeout.ms} (default 15000), also prefixed;
 *   <li>{@code latest.cache.ttl.sec}: how long a subject's latest version is reused (default -1, for ever).
 * </ul>
 *
 * HTTP clients are shared: the same settings return the same instance (and cache) JVM-wide, so the many serdes of a
 * Kafka Streams topology neither open many connections pools nor ask the registry the same question twice.
 */
public final class SchemaRegistries {
    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
    private static final String PREFIX = "schema.registry.";

    private static final ConcurrentMap<String, SchemaRegistry> SHARED = new ConcurrentHashMap<>();

    private SchemaRegistries() {}

    /** The registry for {@code schema.registry.url}; a {@link ConfigException} when it is missing or invalid. */
    public static SchemaRegistry fromConfig(final Map<String, ?> configs) {
        final String url = string(configs, URL);
        if (url == null || url.isBlank()) {
            throw new ConfigException("missing required configuration '" + URL + "' (http(s):// or mock://)");
        }
        final List<String> urls = Arrays.stream(url.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        if (urls.stream().anyMatch(u -> u.startsWith(MockSchemaRegistry.URL_PREFIX))) {
            if (urls.size() != 1) {
                throw new ConfigException("'" + URL + "' may hold only one mock:// URL and nothing else");
            }
            return MockSchemaRegistry.forUrl(urls.get(0));
        }
        final String userInfo = userInfo(configs, urls);
        final Duration connect = Duration.ofMillis(longValue(configs, CONNECT_TIMEOUT_MS, 5_000));
        final Duration read = Duration.ofMillis(longValue(configs, READ_TIMEOUT_MS, 15_000));
        final long ttlSeconds = longValue(configs, LATEST_CACHE_TTL_SEC, -1);
        final Duration latestTtl = ttlSeconds < 0 ? Duration.ofSeconds(-1) : Duration.ofSeconds(ttlSeconds);
        final String key = String.join(",", urls) + "|" + (userInfo == null ? "-" : sha256(userInfo)) + "|"
                + connect.toMillis() + "|" + read.toMillis() + "|" + ttlSeconds;
        try {
            return SHARED.computeIfAbsent(
                    key,
                    k -> new CachingSchemaRegistry(new HttpSchemaRegistry(urls, userInfo, connect, read), latestTtl));
        } catch (final IllegalArgumentException e) {
            throw new ConfigException("invalid '" + URL + "': " + e.getMessage());
        }
    }

    /** The first non-blank value among {@code name} and {@code schema.registry.<name>}, as a string; null if none. */
    static String string(final Map<String, ?> configs, final String name) {
        for (final String key : new String[] {name, name.startsWith(PREFIX) ? null : PREFIX + name}) {
            if (key == null) {
                continue;
            }
            final Object value = configs.get(key);
            final String text = value instanceof Password password
                    ? password.value()
                    : value instanceof List<?> list
                            ? String.join(
                                    ",", list.stream().map(String::valueOf).toList())
                            : value == null ? null : value.toString();
            if (text != null && !text.isBlank()) {
                return text.trim();
            }
        }
        return null;
    }

    static boolean booleanValue(final Map<String, ?> configs, final String name, final boolean defaultValue) {
        final String text = string(configs, name);
        if (text == null) {
            return defaultValue;
        }
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
            throw new ConfigException(name, text, "expected true or false");
        }
        return Boolean.parseBoolean(text);
    }

    static long longValue(final Map<String, ?> configs, final String name, final long defaultValue) {
        final String text = string(configs, name);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(text);
        } catch (final NumberFormatException e) {
            throw new ConfigException(name, text, "expected a whole number");
        }
    }

    private static String userInfo(final Map<String, ?> configs, final List<String> urls) {
        final String configured = string(configs, USER_INFO);
        final String source = string(configs, CREDENTIALS_SOURCE);
        final String effective =
                source != null ? source.toUpperCase(Locale.ROOT) : configured != null ? "USER_INFO" : "URL";
        switch (effective) {
            case "USER_INFO" -> {
                if (configured == null) {
                    throw new ConfigException(
                            "'" + CREDENTIALS_SOURCE + "' is USER_INFO but '" + USER_INFO + "' is not set");
                }
                if (configured.indexOf(':') < 0) {
                    throw new ConfigException("'" + USER_INFO + "' must be user:password (value not shown)");
                }
                return configured;
            }
            case "URL" -> {
                return urls.stream()
                        .map(HttpSchemaRegistry::userInfoOf)
                        .filter(u -> u != null && !u.isEmpty())
                        .findFirst()
                        .orElse(null);
            }
            default ->
                throw new ConfigException(
                        "unsupported '" + CREDENTIALS_SOURCE + "' '" + source + "'; rotor supports USER_INFO and URL");
        }
    }

    private static String sha256(final String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
