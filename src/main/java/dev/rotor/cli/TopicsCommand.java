package dev.rotor.cli;

import dev.rotor.config.ConfigLoader;
import dev.rotor.config.RotorConfig;
import dev.rotor.topics.TopicsAdmin;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rotor topics}: creates rotor's missing topics and checks the existing ones. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create rotor's missing topics (--create) and check all of them (--validate, the default).")
public final class TopicsCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "properties file (default: config/application.properties)")
    Path config;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the config)")
    String bootstrap;

    @Option(names = "--create", description = "create the topics that are missing, then validate")
    boolean create;

    @Option(names = "--validate", description = "check that every topic exists and rotation-commands kept its partitions")
    boolean validate;

    @Override
    public Integer call() throws Exception {
        final Map<String, String> overrides = new HashMap<>();
        if (bootstrap != null) {
            overrides.put("kafka.bootstrap.servers", bootstrap);
        }
        final RotorConfig cfg = ConfigLoader.loadForClient(RunCommand.configFile(config), System.getenv(), overrides);
        try (TopicsAdmin admin = new TopicsAdmin(cfg)) {
            if (create) {
                final List<String> created = admin.createMissing();
                System.out.println(created.isEmpty() ? "all topics exist" : "created " + String.join(", ", created));
            }
            boolean ok = true;
            for (final TopicsAdmin.Check c : admin.validate()) {
                System.out.printf("%-24s %s%n", c.topic(), c.problem().map(p -> "PROBLEM: " + p)
                        .orElse("ok (" + c.partitions() + " partitions)"));
                ok &= c.problem().isEmpty();
            }
            return ok ? RotorCommand.EXIT_OK : RotorCommand.EXIT_RUNTIME;
        }
    }
}
