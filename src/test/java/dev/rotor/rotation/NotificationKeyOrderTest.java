package dev.rotor.rotation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The success notification's "Additional Details" follow the sender's key order after the command has crossed
 * {@code rotation-commands} and the {@code pending-rotations} store, as the original implementation printed them.
 */
class NotificationKeyOrderTest {
    @ParameterizedTest
    @ValueSource(strings = {"json", "avro"})
    void additionalDetailsKeepTheSendersKeyOrder(final String format) {
        final Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("repository", "acme/website");
        metadata.put("commit_sha", "a1b2c3d");
        metadata.put("file_path", "config/settings.py");
        metadata.put("zeta", "1");
        metadata.put("alpha", "2");

        try (ExecutorDriver d = new ExecutorDriver(Map.of(
                "rotor.output.format", format, "kafka.schema.registry.url", "mock://notification-order-" + format))) {
            d.send(NotificationsTest.command("203.0.113.7", metadata));
            d.runUntil(x -> !x.alertsSeen.isEmpty());

            assertThat(d.alertsSeen.get(0).getMessage()).endsWith("""
                    Additional Details:
                      repository: acme/website
                      commit_sha: a1b2c3d
                      file_path: config/settings.py
                      zeta: 1
                      alpha: 2
                    """);
        }
    }
}
