package dev.rotor.serde;

import static dev.rotor.serde.SerdeFixtures.genericSecurityEvent;
import static dev.rotor.serde.SerdeFixtures.idOf;
import static dev.rotor.serde.SerdeFixtures.securityEvent;
import static dev.rotor.serde.SerdeFixtures.securityEventWithExtraField;
import static dev.rotor.serde.SerdeFixtures.securityEventWithout;
import static dev.rotor.serde.SerdeFixtures.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.AvroDecodingException.Kind;
import dev.rotor.testing.ApicurioRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serde and registry client against a real Confluent-compatible registry: Apicurio Registry 3 (DESIGN.md §8), the
 * integration tests' shared instance ({@link ApicurioRegistry#shared()}: a child JVM on Java 21+, in memory, on
 * 127.0.0.1, global BACKWARD compatibility). Every subject here starts with {@code it-}, so other tests on the same
 * registry do not disturb it.
 */
class ApicurioRegistryIT {
    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistryIT.class);

    private static String baseUrl;
    private static HttpSchemaRegistry client;

    @BeforeAll
    static void startApicurio() {
        final long start = System.nanoTime();
        baseUrl = ApicurioRegistry.shared().ccompatUrl();
        LOG.info(
                "Apicurio Registry ready at {} in {} ms",
                baseUrl,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        client = new HttpSchemaRegistry(List.of(baseUrl), null, Duration.ofSeconds(2), Duration.ofSeconds(10));
    }

    @Test
    void aRegisteredSchemaReadsBackByIdUnchanged() {
        final int id = client.register("it-read-back-value", SecurityEvent.getClassSchema());

        assertThat(id).isPositive();
        assertThat(client.schemaById(id)).isEqualTo(SecurityEvent.getClassSchema());
        assertThat(client.latest("it-read-back-value"))
                .isEqualTo(new SchemaRegistry.Registered(id, 1, SecurityEvent.getClassSchema()));
    }

    @Test
    void lookupFindsARegisteredSchemaAndTellsWhatIsMissing() {
        final int id = client.register("it-lookup-value", securityEventWithout("source_ip"));

        assertThat(client.lookup("it-lookup-value", securityEventWithout("source_ip")))
                .isEqualTo(id);
        final RegistryException notUnderSubject = catchThrowableOfType(
                RegistryException.class, () -> client.lookup("it-lookup-value", SecurityEvent.getClassSchema()));
        final RegistryException noSubject = catchThrowableOfType(
                RegistryException.class, () -> client.lookup("it-no-such-subject", SecurityEvent.getClassSchema()));
        assertThat(notUnderSubject.status()).isEqualTo(404);
        assertThat(notUnderSubject.errorCode()).isEqualTo(40403);
        assertThat(noSubject.status()).isEqualTo(404);
        assertThat(noSubject.errorCode()).isEqualTo(40401);
        assertThat(noSubject).hasMessageStartingWith("subject 'it-no-such-subject' is not registered");
    }

    @Test
    void theSerdeRoundTripsASecurityEventThroughTheRegistry() {
        // given a serde configured only by Confluent's properties
        final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class);
        serde.configure(Map.of("schema.registry.url", baseUrl), false);
        // when
        final byte[] bytes = serde.serializer().serialize("it-serde", securityEvent());
        // then
        assertThat(idOf(bytes)).isEqualTo(client.lookup("it-serde-value", SecurityEvent.getClassSchema()));
        assertThat(serde.deserializer().deserialize("it-serde", bytes)).isEqualTo(securityEvent());
    }

    @Test
    void dataFromAnOlderCompatibleVersionReadsAsTheCurrentClass() {
        final Schema older = securityEventWithout("source_ip");
        final int olderId = client.register("it-evolution-value", older);
        final int currentId = client.register("it-evolution-value", SecurityEvent.getClassSchema());
        final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class);
        serde.configure(
                Map.of("schema.registry.url", baseUrl, "auto.register.schemas", "false", "use.latest.version", "true"),
                false);

        final SecurityEvent fromOld =
                serde.deserializer().deserialize("it-evolution", wire(olderId, genericSecurityEvent(older)));

        assertThat(currentId).isNotEqualTo(olderId);
        assertThat(client.latest("it-evolution-value").version()).isEqualTo(2);
        assertThat(fromOld.getSourceIp()).isNull();
        assertThat(fromOld.getDescription()).isEqualTo(securityEvent().getDescription());
        assertThat(idOf(serde.serializer().serialize("it-evolution", securityEvent())))
                .isEqualTo(currentId);
    }

    @Test
    void aBackwardIncompatibleSecondVersionIsRefusedWith409() {
        // given
        client.register("it-incompatible-value", SecurityEvent.getClassSchema());
        // when a second version adds a required field without a default
        final RegistryException e = catchThrowableOfType(
                RegistryException.class,
                () -> client.register("it-incompatible-value", securityEventWithExtraField("risk_score", false)));
        // then
        assertThat(e).isNotInstanceOf(RegistryUnavailableException.class);
        assertThat(e.status()).isEqualTo(409);
        assertThat(e)
                .hasMessageStartingWith("schema for subject 'it-incompatible-value' is incompatible with an "
                        + "earlier version (BACKWARD): ");
        LOG.info("Apicurio's 409: error_code={} message={}", e.errorCode(), e.getMessage());
    }

    @Test
    void anUnknownSchemaIdIsA404AndAnUnknownSchemaIdDecodingError() {
        final RegistryException e = catchThrowableOfType(RegistryException.class, () -> client.schemaById(987_654));
        final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class);
        serde.configure(Map.of("schema.registry.url", baseUrl), false);

        final AvroDecodingException decoding = catchThrowableOfType(
                AvroDecodingException.class,
                () -> serde.deserializer().deserialize("it-unknown", SerdeFixtures.header(987_654, (byte) 0)));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e).hasMessageStartingWith("unknown schema id 987654");
        assertThat(decoding.kind()).isEqualTo(Kind.UNKNOWN_SCHEMA_ID);
    }
}
