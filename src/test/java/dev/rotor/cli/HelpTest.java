package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    @ParameterizedTest
    @CsvSource({"pause,false", "resume,false", "approve,true", "release,true"})
    void operatorDecisionsTakeAReasonAndApproveAndReleaseExactlyOneScope(final String command, final boolean scoped) {
        final StringWriter out = new StringWriter();
        final CommandLine help = RotorCommand.commandLine();
        help.setOut(new PrintWriter(out));
        assertThat(help.execute(command, "--help")).isZero();
        assertThat(out.toString()).contains("--reason=TEXT", "--config");
        assertThat(out.toString().contains("--event=EVENT_ID")).isEqualTo(scoped);
        if (scoped) {
            final StringWriter err = new StringWriter();
            final CommandLine cli = RotorCommand.commandLine();
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute(command)).isEqualTo(RotorCommand.EXIT_USAGE);
            assertThat(cli.execute(command, "--all", "--command", "c-1")).isEqualTo(RotorCommand.EXIT_USAGE);
            assertThat(err.toString()).contains("Missing required argument", "mutually exclusive");
        }
    }

    @ParameterizedTest
    @CsvSource({
        "--vault-latency,-PT1S,must not be negative",
        "--vault-latency,soon,is not a duration",
        "--warm-up-seconds,-1,must be 0 or more",
        "--warm-up-seconds,soon,Invalid value"
    })
    void benchRefusesAnOutOfRangeFlagBeforeStartingAnything(
            final String flag, final String value, final String problem) {
        final StringWriter err = new StringWriter();
        final CommandLine cli = RotorCommand.commandLine();
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("bench", flag + "=" + value)).isEqualTo(RotorCommand.EXIT_USAGE);
        assertThat(err.toString()).contains(flag, problem);
    }
}
