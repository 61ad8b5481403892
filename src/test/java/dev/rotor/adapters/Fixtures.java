package dev.rotor.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.avro.SecurityEvent;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.PrincipalMappings;
import dev.rotor.config.RotationTargets;
import dev.rotor.config.SourceFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The published samples under {@code src/test/resources/adapters/} (origins in its INDEX.md), the mappings the adapter
 * tests use, and builders for expected results.
 */
final class Fixtures {
    /** The Kafka record timestamp the tests give (used only where a payload has no time). */
    static final Instant RECORD_TIME = Instant.parse("2026-11-25T11:00:00Z");

    static final int MAX_BYTES = 1 << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static final String TARGETS = """
            targets:
              - pattern: "secret/**"
            principals:
              - source: ocsf
                match: {user.name: "Administrator", user.domain: "EC2AMAZ-*"}
                secret: "secret/windows/{1}/administrator"
              - source: ocsf
                match: {user.name: "svc-*"}
                secret: "secret/prod/{user.name}"
              - source: ocsf
                match: {resource.name: "/app/office365/*/sso/wsfed/active"}
                secret: "secret/okta/office365/{1}"
              - source: vault-audit
                match: {login_path: "auth/userpass/login/*"}
                secret: "secret/users/{1}"
              - source: github
                match: {repository: "Codertocat/*", secret_type: "adafruit_io_key"}
                secret: "secret/ci/{1}/adafruit"
              - source: aws
                match: {user_name: "anaya", account_id: "111122223333"}
                secret: "secret/aws/111122223333/console/anaya"
              - source: aws
                match: {user_arn: "arn:aws:iam::*:root"}
                secret: "secret/aws/{1}/root"
              - source: aws
                match: {access_key_id: "ACCESS_KEY_ID_HERE"}
                secret: "secret/aws/keys/{access_key_id}"
              - source: aws
                match: {db_instance: "*", db_user: "*"}
                secret: "secret/rds/{1}/{2}"
              - source: aws
                match: {user_name: "testuser", account_id: "111122223333"}
                secret: "secret/aws/111122223333/keys/{user_name}"
              - source: ecs
                match: {user.name: "root", host.name: "slave22"}
                secret: "secret/hosts/{host.name}/root"
              - source: ecs
                match: {user.domain: "VAGRANT-*", user.name: "*"}
                secret: "secret/windows/{user.name}"
              - source: ecs
                match: {user.name: "JaneDoe", user.id: "AIDA*"}
                secret: "secret/aws/console/{user.name}"
            """;
    static final PrincipalMappings MAPPINGS =
            RotationTargets.parse(TARGETS, "adapter tests").principals();

    private Fixtures() {}

    /**
     * Where a fixture lives: {@code vault--contract-NN-...} names the Vault audit entries of the Vault contract
     * ({@code /vault-contract/audit/NN-...}), read from there rather than kept twice; every other name is a file of
     * {@code /adapters/}.
     */
    private static String resource(final String name) {
        return name.startsWith(VAULT_CONTRACT)
                ? "/vault-contract/audit/" + name.substring(VAULT_CONTRACT.length())
                : "/adapters/" + name;
    }

    private static final String VAULT_CONTRACT = "vault--contract-";

    static byte[] bytes(final String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource(name))) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String text(final String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A fixture as an editable tree, for rows derived from a real sample. */
    static ObjectNode tree(final String name) {
        try {
            return (ObjectNode) MAPPER.readTree(bytes(name));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture with some fields changed. */
    static byte[] edited(final String name, final Consumer<ObjectNode> edit) {
        final ObjectNode node = tree(name);
        edit.accept(node);
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    static ObjectNode object(final JsonNode parent, final String field) {
        return (ObjectNode) parent.get(field);
    }

    static Adaptation adapt(final SourceFormat format, final byte[] value) {
        return Adapters.adapt(Adapters.forFormat(format, MAPPINGS), value, RECORD_TIME.toEpochMilli(), MAX_BYTES);
    }

    static Adaptation adapt(final SourceFormat format, final String fixture) {
        return adapt(format, bytes(fixture));
    }

    /** Metadata in the order given: key, value, key, value, ... */
    static Map<String, String> meta(final String... kv) {
        final Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static SecurityEvent event(
            final String id,
            final String type,
            final ThreatLevel level,
            final String description,
            final List<String> paths,
            final String sourceIp,
            final String time,
            final Map<String, String> metadata) {
        return SecurityEvent.newBuilder()
                .setEventId(id)
                .setEventType(type)
                .setThreatLevel(level)
                .setDescription(description)
                .setAffectedResources(paths)
                .setSourceIp(sourceIp)
                .setTimestamp(Instant.parse(time))
                .setMetadata(metadata)
                .build();
    }

    static Adaptation events(final SecurityEvent... events) {
        return new Adaptation(List.of(events), List.of(), List.of());
    }

    static Adaptation unmapped(final SecurityEvent event, final String principal) {
        return new Adaptation(List.of(), List.of(new Adaptation.Unmapped(event, principal)), List.of());
    }

    static Adaptation notRelevant(final String id, final String time, final String reason) {
        return Adaptation.notRelevant(id, time == null ? null : Instant.parse(time), reason);
    }
}
