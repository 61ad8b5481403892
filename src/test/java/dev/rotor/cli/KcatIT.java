package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rotor.testing.ExternalTools;
import dev.rotor.testing.FreePorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The README's kcat example, run as written (only the port moved) against {@code rotor local}: a real SIEM-side
 * producer publishes a JSON event, and its rotation result appears. Skipped with a message when {@code kcat} is not
 * installed ({@code .ci/run} installs it).
 */
class KcatIT {
    /** Broker, controller, dev Vault and rotor HTTP: four ports, free and outside the ephemeral range. */
    private static final int PORT_BASE = FreePorts.block(4);

    private static final Pattern EXAMPLE =
            Pattern.compile("<!-- kcat-example -->\\s*```bash\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theReadmesKcatExampleRotatesASecretInRotorLocal() throws Exception {
        ExternalTools.assumeKcat(); // skipped, naming kcat and how to install it, where it is missing
        final Matcher m = EXAMPLE.matcher(Files.readString(Path.of("README.md")));
        assertThat(m.find()).as("README.md has a kcat example block").isTrue();
        final String example =
                m.group(1).replace("19092", Integer.toString(PORT_BASE)).strip();
        assertThat(example).contains("kcat -P -b 127.0.0.1:" + PORT_BASE).contains("secret/prod/payments/db");

        final Path log = Path.of("target", "kcat-it-local.log");
        final Process local = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        "target/rotor.jar",
                        "local",
                        "--port-base",
                        Integer.toString(PORT_BASE))
                .redirectErrorStream(true)
                .start();
        try {
            awaitLine(local, "rotor is running", log);
            final Process kcat = new ProcessBuilder("bash", "-c", example)
                    .redirectErrorStream(true)
                    .start();
            assertThat(kcat.waitFor(60, TimeUnit.SECONDS)).isTrue();
            final String kcatOut = new String(kcat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(kcat.exitValue()).as(kcatOut).isZero();

            final JsonNode result = firstResult("127.0.0.1:" + PORT_BASE, "secret/prod/payments/db");
            assertThat(result.path("status").asText()).isEqualTo("ROTATED");
            assertThat(result.path("strategy").asText()).isEqualTo("kv2");
        } finally {
            local.destroy();
            assertThat(local.waitFor(60, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static void awaitLine(final Process p, final String text, final Path log) throws Exception {
        final BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        final StringBuilder seen = new StringBuilder();
        final long until = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String line;
        while (System.nanoTime() < until && (line = r.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains(text)) {
                Files.writeString(log, seen);
                final Thread drain = new Thread(() -> r.lines().forEach(l -> {}), "drain-local-output");
                drain.setDaemon(true);
                drain.start();
                return;
            }
        }
        Files.writeString(log, seen);
        throw new AssertionError("rotor local did not start; output:\n" + seen);
    }

    private static JsonNode firstResult(final String bootstrap, final String path) throws Exception {
        final ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                "kcat-it",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class))) {
            c.subscribe(List.of("rotation-results"));
            final long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < until) {
                for (final ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    final JsonNode n = json.readTree(r.value());
                    if (n.path("secret_path").asText().equals(path)) {
                        return n;
                    }
                }
            }
        }
        throw new AssertionError("no result for " + path + " within 60 s");
    }
}
