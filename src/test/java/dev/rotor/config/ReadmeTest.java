package dev.rotor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README documents every setting, and docker-compose.yml uses the names the README gives. */
class ReadmeTest {
    @Test
    void everySettingIsInTheReadme() throws IOException {
        final String readme = Files.readString(Path.of("README.md"));
        for (final Setting s : Setting.values()) {
            assertThat(readme).as(s.key()).contains("`" + s.key() + "`");
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
}
