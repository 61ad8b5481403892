package dev.rotor.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

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

    /** Deletes {@code dir} if it exists and creates it empty. */
    static Path emptyDir(final Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (final Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
