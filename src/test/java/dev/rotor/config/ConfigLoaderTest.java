package dev.rotor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private static final Path SHIPPED = Path.of("config", "application.properties");

    @Test
    void theShippedFileListsEverySettingWithItsDefaultAndAComment() throws IOException {
        final Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(SHIPPED)) {
            p.load(r);
        }
        final ConfigDef definition = Setting.definition();
        for (final ConfigDef.ConfigKey key : definition.configKeys().values()) {
            assertThat(p.getProperty(key.name)).as(key.name).isNotNull();
            assertThat(ConfigDef.parseType(key.name, p.getProperty(key.name), key.type))
                    .as("default of " + key.name)
                    .isEqualTo(key.defaultValue);
        }
        assertThat(p.stringPropertyNames().stream().filter(k -> k.startsWith("rotor.")))
                .allSatisfy(k -> assertThat(definition.names()).as(k).contains(k));
        // every setting belongs to a block of lines that a comment opens: what it does is said beside it
        String block = null;
        for (final String line : Files.readAllLines(SHIPPED)) {
            if (line.isBlank()) {
                block = null;
            } else if (line.startsWith("#")) {
                block = line;
            } else if (line.startsWith("rotor.")) {
                assertThat(block).as("a comment above " + line).isNotNull();
            }
        }
    }

    @Test
    void theDefinitionValidatesEveryValueAndDescribesWhatItTakes() {
        final Map<String, ConfigDef.ConfigKey> keys = Setting.definition().configKeys();
        assertThat(keys.get("rotor.http.port").type).isEqualTo(ConfigDef.Type.INT);
        assertThat(keys.get("rotor.http.port").validator).hasToString("a port number from 0 to 65535");
        assertThat(keys.get("rotor.dry-run").defaultValue).isEqualTo(false);
        assertThat(keys.get("rotor.failed-auth.threshold").defaultValue).isEqualTo(10L);
        assertThat(keys.get("rotor.output.format").validator).hasToString("one of [avro, json]");
        assertThat(keys.get("rotor.failed-auth.window").documentation).isEqualTo(Setting.FAILED_AUTH_WINDOW.doc());
        // Kafka's own parse reports the problem with the key first, as rotor's loader does
        assertThatThrownBy(() -> Setting.definition().parse(Map.of("rotor.notify.timeout", "2h")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("rotor.notify.timeout: must be longer than 0 and at most 1h");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.notify.max-attempts", "0")))
                .hasMessage("rotor.notify.max-attempts: must be a whole number from 1 to 100, got '0'");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.http.port", "http")))
                .hasMessage("rotor.http.port: must be a port number from 0 to 65535, got 'http'");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.dry-run", "yes")))
                .hasMessage("rotor.dry-run: must be true or false, got 'yes'");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.vault.connect-timeout", "1500ms")))
                .hasMessage("rotor.vault.connect-timeout: must be a whole number of seconds (the Vault client's "
                        + "resolution)");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.notify.group-id", " ")))
                .hasMessage("rotor.notify.group-id: must not be empty");
    }

    @Test
    void defaultsMatchTheDesign() {
        final RotorConfig c = ConfigLoader.load(Optional.of(SHIPPED), Map.of(), Map.of());
        assertThat(c.detection().failedAuthThreshold()).isEqualTo(10);
        assertThat(c.detection().failedAuthWindow()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.detection().rateLimitThreshold()).isEqualTo(100);
        assertThat(c.detection().rateLimitWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.detection().grace()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.detection().cooldown()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.detection().maxEventAge()).isEqualTo(Duration.ofDays(3));
        assertThat(c.outputFormat()).isEqualTo(RotorConfig.OutputFormat.AVRO);
        assertThat(c.topics().securityEventsDlq()).isEqualTo("security-events-dlq");
        assertThat(c.targets().match("secret/prod/x"))
                .get()
                .extracting(RotationTargets.Target::strategy)
                .isEqualTo("kv2");
    }

    @Test
    void environmentOverridesTheFileAndFollowsTheNamingRule() {
        final RotorConfig c = ConfigLoader.load(
                Optional.of(SHIPPED),
                Map.of(
                        "ROTOR_FAILED_AUTH_THRESHOLD", "20",
                        "ROTOR_OUTPUT_FORMAT", "json",
                        "KAFKA_BOOTSTRAP_SERVERS", "broker-1:9092",
                        "KAFKA_NUM_STANDBY_REPLICAS", "1",
                        "KAFKA_HEAP_OPTS", "-Xmx1g",
                        "VAULT_ADDR", "https://vault.example:8200",
                        "VAULT_TOKEN", "hvs.not-a-real-token"),
                Map.of());
        assertThat(c.detection().failedAuthThreshold()).isEqualTo(20);
        assertThat(c.outputFormat()).isEqualTo(RotorConfig.OutputFormat.JSON);
        assertThat(c.kafka())
                .containsEntry("bootstrap.servers", "broker-1:9092")
                .containsEntry("num.standby.replicas", "1")
                .doesNotContainKey("heap.opts");
        assertThat(c.vault().addr()).isEqualTo("https://vault.example:8200");
        assertThat(c.vault().token()).get().extracting(SecretValue::reveal).isEqualTo("hvs.not-a-real-token");
        // the token never enters the Kafka properties, and never prints
        assertThat(c.kafka().values()).noneMatch(v -> v.contains("hvs."));
        assertThat(c.vault().toString()).doesNotContain("hvs.");
    }

    @Test
    void flagsOverrideTheEnvironment() {
        final RotorConfig c =
                ConfigLoader.load(Optional.empty(), Map.of("ROTOR_COOLDOWN", "10m"), Map.of("rotor.cooldown", "30s"));
        assertThat(c.detection().cooldown()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void anInvalidValueFailsWithOneLineNamingTheKey() {
        assertThatThrownBy(() ->
                        ConfigLoader.load(Optional.empty(), Map.of("ROTOR_FAILED_AUTH_THRESHOLD", "ten"), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("rotor.failed-auth.threshold: must be a whole number, got 'ten'");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.grace", "soon")))
                .hasMessageStartingWith("rotor.grace: ")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.output.format", "xml")))
                .hasMessage("rotor.output.format: must be one of [avro, json], got 'xml'");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.rate-limit.threshold", "0")))
                .hasMessage("rotor.rate-limit.threshold: must be greater than 0, got 0");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.topic.rotation-audit", "bad topic")))
                .hasMessageStartingWith("rotor.topic.rotation-audit: 'bad topic' is not a valid topic name");
    }

    @Test
    void theMaximumEventAgeIsAPositiveDuration() {
        assertThat(ConfigLoader.load(Optional.empty(), Map.of("ROTOR_MAX_EVENT_AGE", "12h"), Map.of())
                        .detection()
                        .maxEventAge())
                .isEqualTo(Duration.ofHours(12));
        assertThat(ConfigLoader.defaults(Map.of("rotor.max-event-age", "PT36H"))
                        .detection()
                        .maxEventAge())
                .isEqualTo(Duration.ofHours(36));
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.max-event-age", "0d")))
                .hasMessage("rotor.max-event-age: must be longer than 0");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.max-event-age", "-PT1H")))
                .hasMessage("rotor.max-event-age: must be longer than 0");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.max-event-age", "a week")))
                .hasMessageStartingWith("rotor.max-event-age: 'a week' is not a duration");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.max-event-age", "999999999999999d")))
                .hasMessage("rotor.max-event-age: '999999999999999d' is too long");
    }

    @Test
    void anUnknownSettingInTheFileIsAnError(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("app.properties");
        Files.writeString(file, "rotor.failed-auth.treshold=5\n");
        assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()))
                .hasMessageStartingWith("rotor.failed-auth.treshold: unknown setting");
    }

    @Test
    void avroOutputNeedsARegistry() {
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("kafka.schema.registry.url", "")))
                .hasMessageStartingWith("kafka.schema.registry.url: required when rotor.output.format=avro");
        assertThat(ConfigLoader.defaults(Map.of("kafka.schema.registry.url", "", "rotor.output.format", "json"))
                        .outputFormat())
                .isEqualTo(RotorConfig.OutputFormat.JSON);
    }

    @Test
    void appRoleNeedsBothHalves() {
        assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("VAULT_ROLE_ID", "r"), Map.of()))
                .hasMessageStartingWith("VAULT_ROLE_ID: AppRole login needs both");
    }

    @Test
    void everyEnvironmentNameMapsBackToItsSetting() {
        assertThat(Arrays.stream(Setting.values()))
                .allSatisfy(s -> assertThat(Setting.byEnvName(s.envName())).contains(s));
        assertThat(Setting.FAILED_AUTH_THRESHOLD.envName()).isEqualTo("ROTOR_FAILED_AUTH_THRESHOLD");
    }

    @Test
    void rocksDbMemoryIsASize() {
        assertThat(ConfigLoader.defaults(Map.of("rotor.rocksdb.memory", "128m")).rocksDbMemoryBytes())
                .isEqualTo(128L << 20);
        assertThat(ConfigLoader.defaults(Map.of("rotor.rocksdb.memory", "1g")).rocksDbMemoryBytes())
                .isEqualTo(1L << 30);
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.rocksdb.memory", "lots")))
                .hasMessage("rotor.rocksdb.memory: must be a size such as 64m or 1g, got 'lots'");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.rocksdb.memory", "1m")))
                .hasMessage("rotor.rocksdb.memory: must be at least 8m");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("PT2H")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.format(Duration.ofMinutes(15))).isEqualTo("15m");
    }
}
