package dev.rotor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table matches {@link Setting#definition()}, docker-compose.yml uses its names, and the image
 * runs as the README says.
 */
class ReadmeTest {
    /** A table row: {@code | `a` / `b` (`ENV`) | `1` / `2` | meaning |}. */
    private static final Pattern ROW = Pattern.compile("^\\| (`rotor\\.[^|]*) \\| ([^|]*) \\|.*$", Pattern.MULTILINE);

    @Test
    void theSettingsTableShowsEverySettingWithItsDefault() throws IOException {
        final Map<String, String> documented = new LinkedHashMap<>();
        final Matcher m = ROW.matcher(Files.readString(Path.of("README.md")));
        while (m.find()) {
            final String[] keys = m.group(1).split(" / ");
            final String[] defaults = m.group(2).split(" / ");
            assertThat(defaults).as(m.group()).hasSameSizeAs(keys);
            for (int i = 0; i < keys.length; i++) {
                final String key = keys[i].replaceAll(" \\(`[A-Z_]+`\\)$", "").replace("`", "");
                final String text = defaults[i].strip();
                documented.put(key, text.equals("empty") ? "" : text.replace("`", ""));
            }
        }
        final ConfigDef definition = Setting.definition();
        assertThat(documented.keySet()).containsExactlyInAnyOrderElementsOf(definition.names());
        for (final ConfigDef.ConfigKey key : definition.configKeys().values()) {
            assertThat(ConfigDef.parseType(key.name, documented.get(key.name), key.type))
                    .as("README default of " + key.name)
                    .isEqualTo(key.defaultValue);
        }
    }

    @Test
    void composeAndReadmeAgreeOnServicesAndPorts() throws IOException {
        final String compose = Files.readString(Path.of("docker-compose.yml"));
        final String readme = Files.readString(Path.of("README.md"));
        assertThat(compose)
                .contains(
                        "\"9092:9092\"",
                        "\"8081:8080\"",
                        "\"8200:8200\"",
                        "\"8080:8080\"",
                        "VAULT_DEV_ROOT_TOKEN_ID: dev-only-token",
                        "command: [\"topics\", \"--create\"]");
        assertThat(readme)
                .contains("localhost:9092", "localhost:8081", "localhost:8200", "dev-only-token", "localhost:8080");
        for (final String env : compose.lines()
                .map(String::strip)
                .filter(l -> l.matches("(ROTOR|KAFKA_SCHEMA|VAULT)_[A-Z_]+:.*"))
                .map(l -> l.substring(0, l.indexOf(':')))
                .toList()) {
            if (env.startsWith("ROTOR_")) {
                assertThat(Setting.byEnvName(env))
                        .as(env + " names a rotor setting")
                        .isPresent();
            }
        }
    }

    /** The image runs rotor with the malloc arena limit the README's "Memory" note asks for (and the bench uses). */
    @Test
    void theImageLimitsMallocArenasAsTheReadmeSays() throws IOException {
        assertThat(Files.readString(Path.of("Dockerfile"))).containsPattern("(?m)^\\s+MALLOC_ARENA_MAX=2$");
        assertThat(Files.readString(Path.of("README.md"))).contains("`MALLOC_ARENA_MAX=2`");
    }
}
