package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Every command answers --help with its own usage (the option is inherited from the top command). */
class HelpTest {
    @ParameterizedTest
    @ValueSource(strings = {"run", "pause", "resume", "approve", "release", "trigger", "topics", "local", "bench"})
    void everyCommandAnswersHelpWithItsUsage(final String command) {
        final CommandLine cli = RotorCommand.commandLine();
        final StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));

        final int exit = cli.execute(command, "--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).startsWith("Usage: rotor " + command).contains("-h, --help");
    }
}
