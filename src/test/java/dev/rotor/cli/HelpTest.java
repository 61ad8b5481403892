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
    @CsvSource({"-PT1S,must not be negative", "soon,is not a duration"})
    void benchRefusesAVaultLatencyThatIsNoDurationOfZeroOrMoreBeforeStartingAnything(
            final String latency, final String problem) {
        final StringWriter err = new StringWriter();
        final CommandLine cli = RotorCommand.commandLine();
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("bench", "--vault-latency=" + latency)).isEqualTo(RotorCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--vault-latency", problem);
    }

    @ParameterizedTest
    @CsvSource({"-1,must be 0 or more", "soon,Invalid value"})
    void benchRefusesAWarmUpThatIsNoWholeNumberOfZeroOrMoreBeforeStartingAnything(
            final String seconds, final String problem) {
        final StringWriter err = new StringWriter();
        final CommandLine cli = RotorCommand.commandLine();
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("bench", "--warm-up-seconds=" + seconds)).isEqualTo(RotorCommand.EXIT_USAGE);
        assertThat(err.toString()).contains("--warm-up-seconds", problem);
    }
}
