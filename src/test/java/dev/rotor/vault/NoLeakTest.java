package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.config.ConfigException;
import dev.rotor.config.SecretValue;
import dev.rotor.devvault.Capability;
import dev.rotor.devvault.Policy;
import dev.rotor.devvault.RecordingServer;
import dev.rotor.devvault.TokenSpec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Runs many rotations (successes, CAS conflict, timeout with read-back, 403, sealed, AppRole, database) with every log
 * line, stdout/stderr, exception message and outcome captured, then searches all of it for every secret value (seeded
 * and generated, read back from the dev Vault) and every credential. Failures name what leaked and where, never the
 * value itself.
 */
class NoLeakTest {
    private static final String TARGETS = """
            targets:
              - pattern: "secret/hex/**"
                strategy: kv2
                generator: {format: hex}
              - pattern: "secret/uuid/**"
                strategy: kv2
                generator: {format: uuid}
              - pattern: "database/static-roles/*"
                strategy: database-static-role
              - pattern: "secret/**"
                strategy: kv2
            """;

    @Test
    void noSecretValueOrTokenAppearsInLogsOutputExceptionsOrOutcomes() throws Exception {
        final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final Logger rotorVault = (Logger) LoggerFactory.getLogger("dev.rotor.vault");
        final Level previous = rotorVault.getLevel();
        final ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        rotorVault.setLevel(Level.DEBUG);
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream console = new ByteArrayOutputStream();
        System.setOut(new PrintStream(new Tee(out, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(err, console), true, StandardCharsets.UTF_8));

        final Map<String, String> secrets = new LinkedHashMap<>(); // description -> value (never printed)
        final List<String> observed = new ArrayList<>(); // outcomes and exception texts
        try (VaultFixture fx = new VaultFixture()) {
            secrets.put("root token", fx.vault.rootToken());
            final VaultRotator rotator = fx.rotator(TARGETS);
            final Map<String, List<String>> rotatedFields = new LinkedHashMap<>();

            // plain successes with several generators
            int n = 0;
            for (final String path : List.of("app/a", "app/b", "hex/c", "uuid/d")) {
                final String p = VaultFixture.unique(path);
                final String old = "seed-old-value-" + ++n + "-x7Qp";
                secrets.put("seeded value " + n, old);
                fx.vault.kvPut("secret", p, Map.of("value", old, "db_password", old + "-pw", "host", "h"));
                secrets.put("seeded password " + n, old + "-pw");
                observed.add(rotator.rotate(VaultFixture.request("secret/" + p)).toString());
                rotatedFields.put(p, List.of("value"));
            }

            // a concurrent writer (CAS conflict) and a write whose answer is lost (read-back)
            final String cas = VaultFixture.unique("app/cas");
            fx.vault.kvPut("secret", cas, Map.of("password", "cas-old-pw-93kd"));
            secrets.put("cas seed", "cas-old-pw-93kd");
            fx.vault.setResponseDelay(Duration.ofMillis(100));
            CompletableFuture<RotationOutcome> running =
                    CompletableFuture.supplyAsync(() -> rotator.rotate(VaultFixture.request("secret/" + cas)));
            fx.awaitRequest("GET", "secret/data/" + cas, 1);
            // the other writer keeps the password (had it changed it, rotor would count the credential as rotated)
            fx.vault.kvPut("secret", cas, Map.of("password", "cas-old-pw-93kd", "note", "other-writer-note-51"));
            fx.vault.setResponseDelay(Duration.ZERO);
            observed.add(running.get(10, TimeUnit.SECONDS).toString());
            rotatedFields.put(cas, List.of("password"));

            final String lost = VaultFixture.unique("app/lost");
            fx.vault.kvPut("secret", lost, Map.of("api_key", "lost-old-key-22"));
            secrets.put("lost seed", "lost-old-key-22");
            fx.vault.setResponseDelay(Duration.ofMillis(100));
            running = CompletableFuture.supplyAsync(() -> rotator.rotate(VaultFixture.request("secret/" + lost)));
            fx.awaitRequest("GET", "secret/data/" + lost, 1);
            fx.vault.dropNextConnection("secret/data/" + lost, Duration.ofMillis(1300));
            fx.vault.setResponseDelay(Duration.ZERO);
            observed.add(running.get(10, TimeUnit.SECONDS).toString());
            rotatedFields.put(lost, List.of("api_key"));

            // permission denied, sealed, AppRole (good and bad), database
            final String readOnlyToken = fx.vault.createToken(Policy.named("ro")
                    .path("secret/data/*", Capability.READ)
                    .path("secret/metadata/*", Capability.READ)
                    .build());
            secrets.put("read-only token", readOnlyToken);
            final String denied = VaultFixture.unique("app/denied");
            fx.vault.kvPut("secret", denied, Map.of("password", "denied-pw-0kq"));
            secrets.put("denied seed", "denied-pw-0kq");
            observed.add(fx.rotator(fx.tokenClient(readOnlyToken), TARGETS)
                    .rotate(VaultFixture.request("secret/" + denied))
                    .toString());

            fx.vault.seal();
            observed.add(rotator.rotate(
                            VaultFixture.request("secret/" + denied, false, Instant.now(), Duration.ofMillis(300)))
                    .toString());
            fx.vault.unseal();

            fx.vault.definePolicy(Policy.named("rotor")
                    .path("secret/*", Capability.CREATE, Capability.READ, Capability.UPDATE)
                    .build());
            fx.vault.addAppRole("leak-role-id-4711", "leak-secret-id-8d2f", "rotor");
            secrets.put("AppRole secret id", "leak-secret-id-8d2f");
            final String viaAppRole = VaultFixture.unique("app/approle");
            fx.vault.kvPut("secret", viaAppRole, Map.of("token", "approle-old-tok-7"));
            secrets.put("approle seed", "approle-old-tok-7");
            observed.add(fx.rotator(
                            new VaultClient(fx.settings(new VaultClient.AppRoleCredentials(
                                    "approle", "leak-role-id-4711", SecretValue.of("leak-secret-id-8d2f")))),
                            TARGETS)
                    .rotate(VaultFixture.request("secret/" + viaAppRole))
                    .toString());
            rotatedFields.put(viaAppRole, List.of("token"));
            observed.add(fx.rotator(
                            new VaultClient(fx.settings(new VaultClient.AppRoleCredentials(
                                    "approle", "leak-role-id-4711", SecretValue.of("wrong-secret-id-55")))),
                            TARGETS)
                    .rotate(VaultFixture.request("secret/" + viaAppRole))
                    .toString());
            secrets.put("wrong AppRole secret id", "wrong-secret-id-55");

            fx.vault.addDatabaseStaticRole("leaky", "leaky_user");
            secrets.put("static role password before", fx.vault.staticRolePassword("leaky"));
            observed.add(rotator.rotate(VaultFixture.request("database/static-roles/leaky"))
                    .toString());
            secrets.put("static role password after", fx.vault.staticRolePassword("leaky"));

            // a redirect on the data write, token checks, renewal and a revoked token: value-free too
            try (RecordingServer stranger = new RecordingServer()) {
                final String moved = VaultFixture.unique("app/moved");
                fx.vault.kvPut("secret", moved, Map.of("password", "moved-old-pw-62"));
                secrets.put("redirected seed", "moved-old-pw-62");
                fx.vault.redirectNext("POST", "secret/data/" + moved, 1, 307, stranger.address());
                observed.add(
                        rotator.rotate(VaultFixture.request("secret/" + moved)).toString());
            }
            final String shortLived = fx.vault.createToken(
                    TokenSpec.builder().ttl(Duration.ofSeconds(2)).build());
            secrets.put("short-lived token", shortLived);
            final VaultClient renewing = fx.tokenClient(shortLived);
            observed.add(renewing.verifyAtStartup().toString());
            try (VaultTokenRenewer renewer =
                    new VaultTokenRenewer(renewing, Duration.ofSeconds(60), Duration.ofMillis(200))) {
                renewer.start();
                Thread.sleep(2500);
            }
            renewing.write("auth/token/revoke-self", JsonNodeFactory.instance.objectNode());
            try {
                renewing.read("secret/data/" + denied, x -> {});
            } catch (final VaultCallException e) {
                observed.add(e.toString());
            }
            observed.add(renewing.checkToken().toString() + renewing.authHealth());
            secrets.put("bogus token", "hvs.bogus-token-value-19");
            try {
                fx.tokenClient("hvs.bogus-token-value-19").verifyAtStartup();
            } catch (final ConfigException e) {
                observed.add(e.getMessage());
            }

            // direct client failures: their messages must be value-free too
            final ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.putObject("options").put("cas", 0);
            body.putObject("data").put("password", "client-write-value-31");
            secrets.put("client write value", "client-write-value-31");
            for (final VaultClient c : List.of(fx.rootClient(), fx.tokenClient(readOnlyToken))) {
                try {
                    c.writeSecret("secret/data/" + denied, body, x -> {});
                } catch (final VaultCallException e) {
                    observed.add(e.toString());
                }
            }

            // the values rotor generated, read back from the dev Vault
            int g = 0;
            for (final Map.Entry<String, List<String>> e : rotatedFields.entrySet()) {
                for (final String f : e.getValue()) {
                    final String v = fx.field("secret", e.getKey(), f);
                    assertThat(v != null && !secrets.containsValue(v))
                            .as("secret/" + e.getKey() + " was rotated")
                            .isTrue();
                    secrets.put("generated value " + ++g + " (" + f + ")", v);
                }
                final String pw = fx.field("secret", e.getKey(), "db_password");
                if (pw != null) {
                    secrets.put("generated value " + ++g + " (db_password)", pw);
                }
            }
            assertThat(g).isGreaterThanOrEqualTo(10);
        } finally {
            System.setOut(out);
            System.setErr(err);
            root.detachAppender(logs);
            rotorVault.setLevel(previous);
        }

        final StringBuilder logText = new StringBuilder();
        for (final ILoggingEvent e : logs.list) {
            logText.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                logText.append(ThrowableProxyUtil.asString(e.getThrowableProxy()))
                        .append('\n');
            }
        }
        assertThat(logs.list).as("the rotations logged something").hasSizeGreaterThan(20);
        final Map<String, String> places = Map.of(
                "log",
                logText.toString(),
                "stdout/stderr",
                console.toString(StandardCharsets.UTF_8),
                "outcomes and exceptions",
                String.join("\n", observed));
        final List<String> leaks = new ArrayList<>();
        secrets.forEach((what, value) -> places.forEach((where, text) -> {
            if (text.contains(value)) {
                leaks.add(what + " in " + where);
            }
        }));
        assertThat(leaks).as("secret values found (descriptions only)").isEmpty();
    }

    /** Copies console output to the real stream and a buffer. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(final OutputStream a, final OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(final int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(final byte[] buf, final int off, final int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
