package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.testing.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code rotor local --demo} from the built jar, as the README tells a newcomer to run it. */
class LocalDemoIT {
    /** Broker, controller, dev Vault and rotor HTTP: four ports, free and outside the ephemeral range. */
    private static final int PORT_BASE = FreePorts.block(4);

    @Test
    void theDemoRotatesEveryExampleShowsAQuietConsoleAndLogsToTheDataDir() throws Exception {
        final Path out = Path.of("target", "local-demo-it.log");
        final Path dataDir = Path.of("rotor-local-" + PORT_BASE); // the default: in the working directory
        final Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        "target/rotor.jar",
                        "local",
                        "--demo",
                        "--exit-after-demo",
                        "--port-base",
                        Integer.toString(PORT_BASE))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        final boolean exited = p.waitFor(240, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        final String output = Files.readString(out);

        assertThat(exited).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        for (final String line : List.of(
                "manual trigger                  secret/prod/manual           ROTATED",
                "API key exposed                 secret/prod/api-key          ROTATED",
                "brute force                     secret/prod/admin            ROTATED",
                "multiple secrets                secret/prod/aws-keys         ROTATED",
                "multiple secrets                secret/prod/stripe-key       ROTATED",
                "multiple secrets                secret/prod/slack-token      ROTATED",
                "failed-auth spike (10 events)   secret/prod/login-service    ROTATED")) {
            assertThat(output).contains(line);
        }
        assertThat(output).contains("7 of 7 secrets rotated");

        // the console is for a person: endpoints, one line per decision and rotation, the table; no log noise
        assertThat(output)
                .contains(
                        "  rotor HTTP   http://127.0.0.1:" + (PORT_BASE + 3) + "/health/ready",
                        "  full log     " + dataDir.resolve("rotor.log"),
                        "  decision  secret/prod/login-service    ROTATE            failed-auth-threshold",
                        "  rotation  secret/prod/api-key          ROTATED");
        assertThat(output.lines())
                .as(output)
                .noneMatch(l -> l.contains("WARN")
                        || l.contains("ERROR")
                        || l.contains(" INFO ")
                        || l.startsWith("Topologies:")
                        || l.contains("Sub-topology"));

        // the full log is in the data dir (outside the OS temp dir), without the warnings fixed at their cause
        final String log = Files.readString(dataDir.resolve("rotor.log"));
        assertThat(log)
                .contains("rotor-detection: REBALANCING -> RUNNING", "rotor-executor: REBALANCING -> RUNNING")
                .doesNotContain(
                        "Using an OS temp directory", "Processing exception handler is not enabled", "Sub-topology");
    }
}
