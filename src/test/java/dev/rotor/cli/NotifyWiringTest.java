package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotor.config.ConfigException;
import dev.rotor.config.ConfigLoader;
import dev.rotor.service.RotorService;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A notification sink without its credential stops rotor before anything starts (exit 2 via ConfigException). */
class NotifyWiringTest {
    @Test
    void aSinkWithoutItsCredentialStopsTheServiceBeforeAnythingStarts() {
        assertThatThrownBy(() -> RotorService.start(
                        ConfigLoader.defaults(
                                Map.of("rotor.output.format", "json", "rotor.notify.security-critical.sinks", "slack")),
                        RotorService.Role.EXECUTOR,
                        null))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(
                        "ROTOR_NOTIFY_SECURITY_CRITICAL_SLACK_WEBHOOK_URL: required in the environment");
    }
}
