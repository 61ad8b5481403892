package dev.rotor.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the fault suite keeps what it leaves behind: {@code target/faults/} (process logs, state dirs, figures). */
final class FaultFiles {
    private static final Path DIR = Path.of("target", "faults");

    private FaultFiles() {}

    static Path dir() {
        try {
            return Files.createDirectories(DIR);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
