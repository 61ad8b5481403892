package dev.rotor.testing;

import dev.rotor.cli.RotorCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import picocli.CommandLine;

/** Runs rotor's command line in the test's JVM, as a person would type it. */
public final class RotorCli {
    private RotorCli() {}

    /** {@code rotor args...}: the exit code and what the command printed. */
    public static Map.Entry<Integer, String> run(final String... args) {
        final StringWriter out = new StringWriter();
        final CommandLine cl = RotorCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        final int code = cl.execute(args);
        return Map.entry(code, out.toString());
    }
}
