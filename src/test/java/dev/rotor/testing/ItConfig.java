package dev.rotor.testing;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.topics.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** rotor's configuration as the integration tests run it: JSON output, no schema registry, the embedded broker. */
public final class ItConfig {
    private ItConfig() {}

    /** The settings every broker-backed test starts from, with its own state directory, plus {@code extra}. */
    public static Map<String, String> onBroker(
            final EmbeddedKafkaExtension kafka, final Path stateDir, final Map<String, String> extra) {
        final Map<String, String> settings = new HashMap<>(Map.of(
                "rotor.output.format",
                "json",
                "kafka.schema.registry.url",
                "",
                "kafka.bootstrap.servers",
                kafka.bootstrapServers(),
                "kafka.state.dir",
                stateDir.toString()));
        settings.putAll(extra);
        return settings;
    }

    /** The configuration of {@code settings} with Vault at {@code vaultAddress}, reached with {@code vaultToken}. */
    public static RotorConfig load(
            final String vaultAddress, final String vaultToken, final Map<String, String> settings) {
        return ConfigLoader.load(
                Optional.empty(), Map.of("VAULT_ADDR", vaultAddress, "VAULT_TOKEN", vaultToken), settings);
    }

    /** Every topic rotor needs before it starts ({@link Topics#namesBeforeStart()}), {@code partitions} each. */
    public static void createTopics(
            final EmbeddedKafkaExtension kafka, final RotorConfig config, final int partitions) {
        kafka.createTopics(partitions, new Topics(config).namesBeforeStart().toArray(String[]::new));
    }
}
