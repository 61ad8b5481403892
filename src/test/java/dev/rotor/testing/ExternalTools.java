package dev.rotor.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The programs outside the JDK that some integration tests run, and what a test does when one is missing: it is skipped
 * (JUnit assumption) with a message naming the program and how to install it, so {@code mvn verify} on a fresh machine
 * is green without them. {@code .ci/run} installs them, so CI never skips.
 *
 * <ul>
 *   <li>{@code kcat} (KcatIT): the SIEM-side producer of the README's example; Debian/Ubuntu {@code apt-get install
 *       kcat}.
 *   <li>A Java 21+ (ApicurioRegistryIT, the fault suite's registry): Apicurio Registry 3 needs it. Looked up as
 *       {@code -Drotor.apicurio.java}, else {@value #APICURIO_JAVA}, else the Java running the tests when it is 21+.
 * </ul>
 */
public final class ExternalTools {
    /** The Java 21+ that the README and {@code .ci/run} name. */
    public static final String APICURIO_JAVA = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";

    private ExternalTools() {}

    /** {@code kcat} on the PATH, if any. */
    public static Optional<Path> kcat() {
        final String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, "kcat"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Skips the calling test unless {@code kcat} is installed. */
    public static void assumeKcat() {
        if (kcat().isEmpty()) {
            skip("kcat is not installed: this test runs the README's kcat example; install it with "
                    + "`apt-get install kcat` (Debian/Ubuntu) to run it. .ci/run installs it.");
        }
    }

    /**
     * The Java 21+ to run Apicurio Registry 3 with: {@code -Drotor.apicurio.java} when set (trusted as given), else
     * {@value #APICURIO_JAVA} when present, else the running Java when it is 21 or later.
     */
    public static Optional<Path> apicurioJava() {
        final String given = System.getProperty("rotor.apicurio.java");
        if (given != null) {
            return Optional.of(Path.of(given)).filter(Files::isExecutable);
        }
        final Path temurin = Path.of(APICURIO_JAVA);
        if (Files.isExecutable(temurin)) {
            return Optional.of(temurin);
        }
        final Path running = Path.of(System.getProperty("java.home"), "bin", "java");
        return Runtime.version().feature() >= 21 && Files.isExecutable(running)
                ? Optional.of(running)
                : Optional.empty();
    }

    /** The Java 21+ for Apicurio; skips the calling test when there is none. */
    public static Path assumeApicurioJava() {
        final Optional<Path> java = apicurioJava();
        if (java.isEmpty()) {
            skip(NO_APICURIO_JAVA.get());
        }
        return java.get();
    }

    /** Why Apicurio cannot run here: no Java 21+ found, and how to provide one. */
    public static final Supplier<String> NO_APICURIO_JAVA = () -> "no Java 21+ for Apicurio "
            + "Registry 3: expected " + System.getProperty("rotor.apicurio.java", APICURIO_JAVA) + "; install a JDK "
            + "21+ there (e.g. Temurin 25) or point -Drotor.apicurio.java at one. .ci/run uses " + APICURIO_JAVA + ".";

    /** Says on the build's output, not only in its report, why tests are skipped. */
    public static void announceSkip(final String why) {
        System.err.println("[skipped] " + why);
    }

    /** Aborts the calling test (reported as skipped) and says why on the build's output. */
    private static void skip(final String why) {
        announceSkip(why);
        Assumptions.abort(why);
    }
}
