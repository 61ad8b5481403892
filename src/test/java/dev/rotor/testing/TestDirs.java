package dev.rotor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Directories that tests make themselves, under {@code target/}: Kafka Streams warns about state directories under the
 * OS temp dir that JUnit's {@code @TempDir} uses, and the topology drivers and the broker outlive a single test method.
 */
public final class TestDirs {
    private TestDirs() {}

    /** A new empty directory under {@code target/<parent>}, named {@code prefix} and a unique suffix. */
    public static Path fresh(final String parent, final String prefix) {
        try {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target", parent)), prefix);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and everything below it, if it exists; best effort (what cannot be deleted stays). */
    public static void deleteTree(final Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (final IOException ignored) {
            // best effort: a directory of a finished test
        }
    }

    /** {@code dir}, emptied if it exists, created if not. */
    public static Path emptyDir(final Path dir) {
        deleteTree(dir);
        try {
            return Files.createDirectories(dir);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
