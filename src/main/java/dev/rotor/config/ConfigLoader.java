package dev.rotor.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link RotorConfig} from, lowest precedence first: built-in defaults ({@link Setting}), the properties file,
 * the environment, and explicit overrides (CLI flags).
 *
 * <ul>
 *   <li>{@code rotor.*} keys are rotor settings; an unknown one is an error (a typo must not pass silently).
 *   <li>{@code kafka.*} keys are Kafka client/Streams properties with the prefix stripped
 *       ({@code kafka.schema.registry.url} → {@code schema.registry.url}).
 *   <li>{@code KAFKA_FOO_BAR} → Kafka property {@code foo.bar}; the Kafka scripts' own variables (KAFKA_HEAP_OPTS, ...)
 *       are skipped. {@code ROTOR_FOO_BAR} → the rotor setting with that name; {@code VAULT_ADDR},
 *       {@code VAULT_NAMESPACE}, {@code VAULT_CACERT}, {@code VAULT_TOKEN}, {@code VAULT_ROLE_ID},
 *       {@code VAULT_SECRET_ID} are Vault's own.
 * </ul>
 *
 * Vault credentials are accepted from the environment only, never from the file, and never enter the Kafka properties.
 */
public final class ConfigLoader {
    private static final Set<String> KAFKA_SCRIPT_VARIABLES = Set.of(
            "KAFKA_HOME",
            "KAFKA_OPTS",
            "KAFKA_HEAP_OPTS",
            "KAFKA_JMX_OPTS",
            "KAFKA_JVM_PERFORMANCE_OPTS",
            "KAFKA_LOG4J_OPTS",
            "KAFKA_GC_LOG_OPTS",
            "KAFKA_DEBUG",
            "KAFKA_CLUSTER_ID",
            "KAFKA_VERSION");
    private static final Set<String> ROTOR_NON_SETTINGS = Set.of(
            "ROTOR_OPTS",
            "ROTOR_HOME",
            "ROTOR_CONFIG",
            // notification sinks' credentials: environment only, read by dev.rotor.notify.NotifySettings
            "ROTOR_NOTIFY_SECURITY_ALERTS_SLACK_WEBHOOK_URL",
            "ROTOR_NOTIFY_SECURITY_CRITICAL_SLACK_WEBHOOK_URL",
            "ROTOR_NOTIFY_SECURITY_CRITICAL_PAGERDUTY_ROUTING_KEY");

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private boolean readTargets = true;

    /** Loads the file (when present), the environment and the overrides. */
    public static RotorConfig load(
            final Optional<Path> file, final Map<String, String> env, final Map<String, String> overrides) {
        return new ConfigLoader().build(file, env, overrides);
    }

    /**
     * Like {@link #load} but without reading the rotation targets file (the built-in default targets stand in): for
     * commands that never rotate or validate paths, such as {@code trigger} and {@code topics}.
     */
    public static RotorConfig loadForClient(
            final Optional<Path> file, final Map<String, String> env, final Map<String, String> overrides) {
        final ConfigLoader loader = new ConfigLoader();
        loader.readTargets = false;
        return loader.build(file, env, overrides);
    }

    /** Built-in defaults plus the given overrides: for tests and tools that have no file. */
    public static RotorConfig defaults(final Map<String, String> overrides) {
        return load(Optional.empty(), Map.of(), overrides);
    }

    RotorConfig build(final Optional<Path> file, final Map<String, String> env, final Map<String, String> overrides) {
        final Map<Setting, String> values = new EnumMap<>(Setting.class);
        for (final Setting s : Setting.values()) {
            values.put(s, s.defaultValue());
        }
        final Map<String, String> kafka = new LinkedHashMap<>();
        kafka.put("bootstrap.servers", "localhost:9092");
        kafka.put("schema.registry.url", "http://localhost:8081");

        if (file.isPresent()) {
            for (final Map.Entry<String, String> e : readProperties(file.get()).entrySet()) {
                apply(e.getKey(), e.getValue(), values, kafka, file.get().toString());
            }
        }
        final Map<String, String> sortedEnv = new TreeMap<>(env);
        final Map<String, SecretValue> vaultSecrets = new TreeMap<>();
        String roleId = null;
        for (final Map.Entry<String, String> e : sortedEnv.entrySet()) {
            final String name = e.getKey();
            final String value = e.getValue();
            if (name.startsWith("KAFKA_") && !KAFKA_SCRIPT_VARIABLES.contains(name)) {
                kafka.put(
                        name.substring("KAFKA_".length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        value);
            } else if (name.startsWith("ROTOR_") && !ROTOR_NON_SETTINGS.contains(name)) {
                final Optional<Setting> s = Setting.byEnvName(name);
                if (s.isPresent()) {
                    values.put(s.get(), value);
                } else {
                    LOG.warn("Ignoring environment variable {}: no rotor setting has that name", name);
                }
            } else {
                switch (name) {
                    case "VAULT_ADDR" -> values.put(Setting.VAULT_ADDR, value);
                    case "VAULT_NAMESPACE" -> values.put(Setting.VAULT_NAMESPACE, value);
                    case "VAULT_CACERT" -> values.put(Setting.VAULT_CACERT, value);
                    case "VAULT_TOKEN", "VAULT_SECRET_ID" -> vaultSecrets.put(name, SecretValue.of(value));
                    case "VAULT_ROLE_ID" -> roleId = value;
                    default -> {}
                }
            }
        }
        for (final Map.Entry<String, String> e : overrides.entrySet()) {
            apply(e.getKey(), e.getValue(), values, kafka, "override");
        }

        final RotorConfig.VaultSettings vault = new RotorConfig.VaultSettings(
                values.get(Setting.VAULT_ADDR),
                Optional.of(values.get(Setting.VAULT_NAMESPACE)).filter(s -> !s.isBlank()),
                Optional.of(values.get(Setting.VAULT_CACERT))
                        .filter(s -> !s.isBlank())
                        .map(Path::of),
                Optional.ofNullable(vaultSecrets.get("VAULT_TOKEN")).filter(s -> !s.isEmpty()),
                Optional.ofNullable(roleId).filter(s -> !s.isBlank()),
                Optional.ofNullable(vaultSecrets.get("VAULT_SECRET_ID")).filter(s -> !s.isEmpty()));
        if (vault.roleId().isPresent() != vault.secretId().isPresent()) {
            throw new ConfigException("VAULT_ROLE_ID", "AppRole login needs both VAULT_ROLE_ID and VAULT_SECRET_ID");
        }
        final Path targetsFile = Path.of(values.get(Setting.TARGETS_FILE));
        final RotationTargets targets = readTargets ? RotationTargets.load(targetsFile) : RotationTargets.defaults();
        return new RotorConfig(values, kafka, vault, targets);
    }

    private static void apply(
            final String key,
            final String value,
            final Map<Setting, String> values,
            final Map<String, String> kafka,
            final String origin) {
        if (key.startsWith("kafka.")) {
            kafka.put(key.substring("kafka.".length()), value);
            return;
        }
        final Optional<Setting> s = Setting.byKey(key);
        if (s.isEmpty()) {
            throw new ConfigException(
                    key,
                    "unknown setting (in " + origin
                            + "); rotor settings start with rotor., Kafka properties with kafka.");
        }
        values.put(s.get(), value.trim());
    }

    private static Map<String, String> readProperties(final Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("--config", "file not found: " + file);
        }
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (final IOException | IllegalArgumentException e) {
            throw new ConfigException("--config", "cannot read " + file + ": " + e.getMessage());
        }
        final Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k.trim(), p.getProperty(k)));
        return out;
    }
}
