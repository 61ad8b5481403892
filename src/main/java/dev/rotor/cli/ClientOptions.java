package dev.rotor.cli;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of commands that only talk to Kafka ({@code trigger}, {@code topics}): where the cluster is. */
final class ClientOptions {
    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "properties file (default: config/application.properties)")
    Path config;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (overrides the config)")
    String bootstrap;

    /** The configuration without the rotation targets, which these commands never use. */
    RotorConfig load() {
        final Map<String, String> overrides = new HashMap<>();
        if (bootstrap != null) {
            overrides.put("kafka.bootstrap.servers", bootstrap);
        }
        return ConfigLoader.loadForClient(RunCommand.configFile(config), System.getenv(), overrides);
    }
}
