package dev.rotor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rotor dlq}: work on rotor's dead-letter topics. */
@Command(
        name = "dlq",
        description = "Work on rotor's dead-letter topics.",
        subcommands = {DlqReplayCommand.class})
public final class DlqCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
