package dev.rotor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the formatter (Spotless with palantir-java-format, run by the build) does not enforce: no line of Java source
 * longer than 120 characters, which the formatter leaves alone in string literals and {@code <pre>} blocks; and the
 * README's layout names exactly the packages the tree has.
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

    @Test
    void theReadmesLayoutNamesEveryPackageAndNoOther() throws IOException {
        final String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        final String layout = readme.substring(readme.indexOf("## Layout"));
        final Set<String> documented = new TreeSet<>();
        final Matcher m = Pattern.compile("(?m)^  (?:Rotor\\.java, )?([a-z]+)/").matcher(layout);
        while (m.find()) {
            documented.add(m.group(1));
        }
        final Set<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(Path.of("src/main/java/dev/rotor"))) {
            dirs.filter(Files::isDirectory)
                    .forEach(d -> packages.add(d.getFileName().toString()));
        }
        assertThat(documented).as("packages in the README's layout").isEqualTo(packages);
    }

    /** Comments state what the feature does; the issue a feature came from is history, kept in git, not in code. */
    @Test
    void codeAndConfigurationNameNoIssueNumbers() throws IOException {
        final Pattern issue = Pattern.compile("(?i)\\bissues? #?\\d");
        final List<String> found = new ArrayList<>();
        for (final String root : List.of("src/main", "config")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                files.filter(Files::isRegularFile).forEach(f -> {
                    final List<String> lines = read(f);
                    for (int i = 0; i < lines.size(); i++) {
                        if (issue.matcher(lines.get(i)).find()) {
                            found.add(f + ":" + (i + 1));
                        }
                    }
                });
            }
        }
        assertThat(found).as("issue references").isEmpty();
    }

    private static List<String> read(final Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
