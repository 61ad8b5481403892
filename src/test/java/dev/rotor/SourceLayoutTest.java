package dev.rotor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the formatter (Spotless with palantir-java-format, run by the build) does not enforce: no line of Java source
 * longer than 120 characters, which the formatter leaves alone in string literals and {@code <pre>} blocks.
 */
class SourceLayoutTest {
    private static final int MAX_COLUMNS = 120;

    @Test
    void noSourceLineIsLongerThan120Characters() throws IOException {
        final List<String> tooLong = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                final List<String> lines = read(f);
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).codePointCount(0, lines.get(i).length()) > MAX_COLUMNS) {
                        tooLong.add(f + ":" + (i + 1));
                    }
                }
            });
        }
        assertThat(tooLong).as("lines longer than %d characters", MAX_COLUMNS).isEmpty();
    }

    private static List<String> read(final Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
