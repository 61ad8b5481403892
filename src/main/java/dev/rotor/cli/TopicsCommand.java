package dev.rotor.cli;

import dev.rotor.config.RotorConfig;
import dev.rotor.topics.TopicsAdmin;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code rotor topics}: creates rotor's missing topics and checks the existing ones. */
@Command(
        name = "topics",
        description = "Create rotor's missing topics (--create) and check all of them (--validate, the default).")
public final class TopicsCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--create", description = "create the topics that are missing, then validate")
    boolean create;

    @Option(
            names = "--validate",
            description = "check that every topic exists and rotation-commands kept its partitions")
    boolean validate;

    @Override
    public Integer call() throws Exception {
        final RotorConfig cfg = client.load();
        try (TopicsAdmin admin = new TopicsAdmin(cfg)) {
            if (create) {
                final List<String> created = admin.createMissing();
                System.out.println(created.isEmpty() ? "all topics exist" : "created " + String.join(", ", created));
            }
            boolean ok = true;
            for (final TopicsAdmin.Check c : admin.validate()) {
                System.out.printf(
                        "%-24s %s%n",
                        c.topic(),
                        c.problem().map(p -> "PROBLEM: " + p).orElse("ok (" + c.partitions() + " partitions)"));
                ok &= c.problem().isEmpty();
            }
            return ok ? RotorCommand.EXIT_OK : RotorCommand.EXIT_RUNTIME;
        }
    }
}
