package dev.rotor.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures of one scenario run (load held, faults injected, inputs tried, lost, duplicated, ...), in the order they
 * were recorded. {@link #publish()} prints them and writes {@code target/faults/<scenario>.figures.md}, from which
 * docs/faults.md takes its table.
 */
final class Figures {
    private static final Logger LOG = LoggerFactory.getLogger(Figures.class);
    private final String scenario;
    private final Map<String, String> figures = new LinkedHashMap<>();

    Figures(final String scenario) {
        this.scenario = scenario;
    }

    Figures put(final String name, final Object value) {
        figures.put(name, String.valueOf(value));
        return this;
    }

    String get(final String name) {
        return figures.get(name);
    }

    /** Prints the figures and writes them to {@code target/faults/<scenario>.figures.md}; returns the table. */
    String publish() {
        final StringBuilder table = new StringBuilder("| " + scenario + " | |\n|---|---|\n");
        figures.forEach(
                (k, v) -> table.append("| ").append(k).append(" | ").append(v).append(" |\n"));
        LOG.info("fault scenario figures:\n{}", table);
        try {
            Files.writeString(
                    FaultFiles.dir().resolve(scenario + ".figures.md"), table.toString(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        return table.toString();
    }
}
