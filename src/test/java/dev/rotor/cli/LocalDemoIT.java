package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code rotor local --demo} from the built jar, as the README tells a newcomer to run it. */
class LocalDemoIT {
    @Test
    void theDemoRotatesEveryExampleAndExitsZero() throws Exception {
        final Path out = Path.of("target", "local-demo-it.log");
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", "target/rotor.jar", "local", "--demo", "--exit-after-demo", "--port-base", "39092")
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        final boolean exited = p.waitFor(240, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        final String output = Files.readString(out);

        assertThat(exited).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        for (final String line : List.of("manual trigger                  secret/prod/manual           ROTATED",
                "API key exposed                 secret/prod/api-key          ROTATED",
                "brute force                     secret/prod/admin            ROTATED",
                "multiple secrets                secret/prod/aws-keys         ROTATED",
                "multiple secrets                secret/prod/stripe-key       ROTATED",
                "multiple secrets                secret/prod/slack-token      ROTATED",
                "failed-auth spike (10 events)   secret/prod/login-service    ROTATED")) {
            assertThat(output).contains(line);
        }
        assertThat(output).contains("7 of 7 secrets rotated");
    }
}
