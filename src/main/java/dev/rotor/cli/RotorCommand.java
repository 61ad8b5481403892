package dev.rotor.cli;

import dev.rotor.config.ConfigException;
import java.lang.reflect.Method;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;

/** The top-level {@code rotor} command. Exit codes: 0 clean stop, 1 fatal runtime error, 2 bad config or usage. */
@Command(
        name = "rotor",
        // every subcommand inherits --help and --version
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = RotorCommand.Version.class,
        description = "Emergency credential rotation on Kafka Streams.",
        subcommands = {
            RunCommand.class,
            LocalCommand.class,
            TriggerCommand.class,
            TopicsCommand.class,
            BenchCommand.class,
            DlqCommand.class,
            ControlCommands.Held.class,
            ControlCommands.Retry.class,
            ControlCommands.Rotations.class
        })
public final class RotorCommand implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_RUNTIME = 1;
    public static final int EXIT_USAGE = 2;

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    public static CommandLine commandLine() {
        final CommandLine cl = new CommandLine(new RotorCommand());
        // before the handlers below: picocli gives them only to the subcommands added by then
        for (final Method decision : CommandLine.getCommandMethods(ControlCommands.class, null)) {
            cl.addSubcommand(new CommandLine(decision));
        }
        // a usage error is the caller's to fix, like a bad setting (picocli uses this mapper for both once it is set)
        cl.setExitCodeExceptionMapper(e -> e instanceof ConfigException || e instanceof CommandLine.ParameterException
                ? EXIT_USAGE
                : EXIT_RUNTIME);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException) {
                cmd.getErr().println("rotor: invalid configuration: " + e.getMessage());
                return EXIT_USAGE;
            }
            final StringBuilder line =
                    new StringBuilder("rotor: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                line.append(" (caused by ")
                        .append(c.getClass().getSimpleName())
                        .append(": ")
                        .append(c.getMessage())
                        .append(')');
            }
            cmd.getErr().println(line);
            return EXIT_RUNTIME;
        });
        return cl;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String v = RotorCommand.class.getPackage().getImplementationVersion();
            return new String[] {"rotor " + (v == null ? "development build" : v)};
        }
    }
}
