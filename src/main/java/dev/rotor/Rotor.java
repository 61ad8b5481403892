package dev.rotor;

import dev.rotor.cli.RotorCommand;

/** Entry point: parses the command line and hands over to a command. No topology code lives here. */
public final class Rotor {
    private Rotor() {}

    public static void main(final String[] args) {
        System.exit(RotorCommand.commandLine().execute(args));
    }
}
