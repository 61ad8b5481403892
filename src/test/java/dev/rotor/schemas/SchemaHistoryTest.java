package dev.rotor.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every schema in {@code schemas/} must be able to read data written with each earlier version kept in
 * {@code schemas/history/<Name>.v<N>.avsc} (BACKWARD), and must have at least one frozen version.
 */
class SchemaHistoryTest {
    private static final Path SCHEMAS = Path.of("schemas");
    private static final Pattern HISTORY = Pattern.compile("(\\w+)\\.v(\\d+)\\.avsc");

    @TestFactory
    Stream<DynamicTest> everySchemaReadsEveryEarlierVersion() throws IOException {
        final List<Path> current;
        try (Stream<Path> files = Files.list(SCHEMAS)) {
            current = files.filter(p -> p.toString().endsWith(".avsc")).sorted().toList();
        }
        assertThat(current).hasSizeGreaterThanOrEqualTo(9);
        return current.stream().flatMap(file -> {
            final String name = file.getFileName().toString().replace(".avsc", "");
            final List<Path> history = history(name);
            final Stream<DynamicTest> exists = Stream.of(DynamicTest.dynamicTest(
                    name + " has a frozen version", () -> assertThat(history).isNotEmpty()));
            return Stream.concat(
                    exists,
                    history.stream()
                            .map(old -> DynamicTest.dynamicTest(name + " reads " + old.getFileName(), () -> {
                                final Schema reader = parse(file);
                                final Schema writer = parse(old);
                                final SchemaCompatibility.SchemaPairCompatibility result =
                                        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
                                assertThat(result.getType())
                                        .as(result.getDescription())
                                        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
                            })));
        });
    }

    private static List<Path> history(final String name) {
        try (Stream<Path> files = Files.list(SCHEMAS.resolve("history"))) {
            return files.filter(p -> {
                        final Matcher m = HISTORY.matcher(p.getFileName().toString());
                        return m.matches() && m.group(1).equals(name);
                    })
                    .sorted(Comparator.naturalOrder())
                    .toList();
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a schema together with the named types it refers to (the enums live in their own files). */
    private static Schema parse(final Path file) throws IOException {
        final Schema.Parser parser = new Schema.Parser();
        final Path dir = file.getParent();
        for (final String enumName : List.of("ThreatLevel", "Indicator", "ResultStatus", "AuditDecision")) {
            final Optional<Path> dep =
                    dir.equals(SCHEMAS) ? Optional.of(SCHEMAS.resolve(enumName + ".avsc")) : latest(enumName);
            if (dep.isPresent() && !dep.get().equals(file)) {
                parser.parse(Files.readString(dep.get()));
            }
        }
        return parser.parse(Files.readString(file));
    }

    private static Optional<Path> latest(final String name) {
        final List<Path> h = history(name);
        return h.isEmpty() ? Optional.empty() : Optional.of(h.get(h.size() - 1));
    }
}
