package dev.rotor.serde;

import static dev.rotor.serde.SerdeFixtures.SECRET;
import static dev.rotor.serde.SerdeFixtures.auditRecord;
import static dev.rotor.serde.SerdeFixtures.config;
import static dev.rotor.serde.SerdeFixtures.genericSecurityEvent;
import static dev.rotor.serde.SerdeFixtures.idOf;
import static dev.rotor.serde.SerdeFixtures.securityEvent;
import static dev.rotor.serde.SerdeFixtures.securityEventWithExtraField;
import static dev.rotor.serde.SerdeFixtures.securityEventWithout;
import static dev.rotor.serde.SerdeFixtures.wire;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.SecurityEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConfluentAvroSerdeTest {
    private static final String TOPIC = "security-events";

    private String scope;
    private MockSchemaRegistry registry;

    @BeforeEach
    void freshRegistry() {
        scope = SerdeFixtures.freshScope();
        registry = new MockSchemaRegistry(scope);
    }

    @AfterEach
    void dropRegistry() {
        MockSchemaRegistry.drop(scope);
    }

    private <T extends SpecificRecord> ConfluentAvroSerde<T> serde(final Class<T> type, final Object... keysAndValues) {
        final ConfluentAvroSerde<T> serde = new ConfluentAvroSerde<>(type);
        serde.configure(config(scope, keysAndValues), false);
        return serde;
    }

    @Nested
    class RoundTrip {
        @Test
        void securityEventSurvivesSerializeThenDeserialize() {
            // given
            final ConfluentAvroSerde<SecurityEvent> serde = serde(SecurityEvent.class);
            final SecurityEvent event = securityEvent();
            // when
            final byte[] bytes = serde.serializer().serialize(TOPIC, event);
            final SecurityEvent back = serde.deserializer().deserialize(TOPIC, bytes);
            // then
            assertThat(back).isEqualTo(event);
        }

        @Test
        void auditRecordSurvivesSerializeThenDeserialize() {
            final ConfluentAvroSerde<AuditRecord> serde = serde(AuditRecord.class);
            final AuditRecord audit = auditRecord();

            final AuditRecord back = serde.deserializer()
                    .deserialize("rotation-audit", serde.serializer().serialize("rotation-audit", audit));

            assertThat(back).isEqualTo(audit);
        }

        @Test
        void separatelyConfiguredSerializerAndDeserializerShareTheMockScope() {
            final ConfluentAvroSerde<SecurityEvent> producer = serde(SecurityEvent.class);
            final ConfluentAvroSerde<SecurityEvent> consumer = serde(SecurityEvent.class);

            final byte[] bytes = producer.serializer().serialize(TOPIC, securityEvent());

            assertThat(consumer.deserializer().deserialize(TOPIC, bytes)).isEqualTo(securityEvent());
        }

        @Test
        void nullIsATombstoneBothWays() {
            final ConfluentAvroSerde<SecurityEvent> serde = serde(SecurityEvent.class);

            assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
            assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
        }

        @Test
        void concurrentSerializeAndDeserializeGiveTheSameResults() throws Exception {
            final ConfluentAvroSerde<SecurityEvent> serde = serde(SecurityEvent.class);
            final ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                final List<Future<SecurityEvent>> results = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    final String topic = "topic-" + (i % 5);
                    results.add(pool.submit(() -> serde.deserializer()
                            .deserialize(topic, serde.serializer().serialize(topic, securityEvent()))));
                }
                for (final Future<SecurityEvent> f : results) {
                    assertThat(f.get()).isEqualTo(securityEvent());
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class WireFormat {
        @Test
        void bytesStartWithMagicByteZeroThenTheRegisteredIdBigEndian() {
            // given an unrelated schema registered first, so SecurityEvent gets id 2
            registry.register("other-value", Schema.create(Schema.Type.STRING));
            final ConfluentAvroSerde<SecurityEvent> serde = serde(SecurityEvent.class);
            // when
            final byte[] bytes = serde.serializer().serialize(TOPIC, securityEvent());
            // then
            final int id = registry.lookup("security-events-value", SecurityEvent.getClassSchema());
            assertThat(id).isEqualTo(2);
            assertThat(Arrays.copyOf(bytes, 5)).containsExactly(0, 0, 0, 0, 2);
            assertThat(ConfluentAvroSerde.looksLikeConfluentAvro(bytes)).isTrue();
        }

        @Test
        void jsonAndShortInputDoNotLookLikeConfluentAvro() {
            assertThat(ConfluentAvroSerde.looksLikeConfluentAvro("{\"a\":1}".getBytes(UTF_8)))
                    .isFalse();
            assertThat(ConfluentAvroSerde.looksLikeConfluentAvro(new byte[] {0, 0, 1}))
                    .isFalse();
            assertThat(ConfluentAvroSerde.looksLikeConfluentAvro(new byte[0])).isFalse();
            assertThat(ConfluentAvroSerde.looksLikeConfluentAvro(null)).isFalse();
        }

        @Test
        void aSecondRecordReusesTheIdWithoutAskingTheRegistryAgain() {
            final CountingRegistry counting = new CountingRegistry(registry);
            final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class, counting);
            serde.configure(Map.of(), false);

            for (int i = 0; i < 10; i++) {
                serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, securityEvent()));
            }

            assertThat(counting.calls).isEqualTo(2); // one register, one schemaById
        }
    }

    @Nested
    class SubjectNames {
        @Test
        void topicNameStrategyIsTheDefaultAndUsesTopicDashValue() {
            serde(SecurityEvent.class).serializer().serialize(TOPIC, securityEvent());

            assertThat(registry.latest("security-events-value").version()).isEqualTo(1);
        }

        @Test
        void keysUseTopicDashKey() {
            final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class);
            serde.configure(config(scope), true);

            serde.serializer().serialize(TOPIC, securityEvent());

            assertThat(registry.latest("security-events-key").id()).isPositive();
        }

        @Test
        void recordNameStrategyUsesTheFullRecordName() {
            serde(SecurityEvent.class, "value.subject.name.strategy", "RecordNameStrategy")
                    .serializer()
                    .serialize(TOPIC, securityEvent());

            assertThat(registry.latest("dev.rotor.avro.SecurityEvent").id()).isPositive();
        }

        @Test
        void topicRecordNameStrategyGivenAsConfluentClassNameUsesTopicDashRecordName() {
            serde(
                            SecurityEvent.class,
                            "value.subject.name.strategy",
                            "io.confluent.kafka.serializers.subject.TopicRecordNameStrategy")
                    .serializer()
                    .serialize(TOPIC, securityEvent());

            assertThat(registry.latest("security-events-dev.rotor.avro.SecurityEvent")
                            .id())
                    .isPositive();
        }

        @Test
        void keyStrategyIsConfiguredSeparatelyFromValueStrategy() {
            final ConfluentAvroSerde<SecurityEvent> serde = new ConfluentAvroSerde<>(SecurityEvent.class);
            serde.configure(
                    config(
                            scope,
                            "key.subject.name.strategy",
                            "RecordNameStrategy",
                            "value.subject.name.strategy",
                            "TopicNameStrategy"),
                    true);

            serde.serializer().serialize(TOPIC, securityEvent());

            assertThat(registry.latest("dev.rotor.avro.SecurityEvent").id()).isPositive();
        }

        @Test
        void anUnknownStrategyIsAConfigError() {
            assertThatThrownBy(() -> serde(SecurityEvent.class, "value.subject.name.strategy", "NoSuchStrategy"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("NoSuchStrategy")
                    .hasMessageContaining("TopicNameStrategy");
        }

        @Test
        void aMissingRegistryUrlIsAConfigError() {
            assertThatThrownBy(() -> new ConfluentAvroSerde<>(SecurityEvent.class).configure(Map.of(), false))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("schema.registry.url");
        }
    }

    @Nested
    class WithoutAutoRegistration {
        @Test
        void anUnregisteredSchemaFailsWithAClearMessage() {
            final ConfluentAvroSerde<SecurityEvent> serde =
                    serde(SecurityEvent.class, "auto.register.schemas", "false");

            final RegistryException e = catchThrowableOfType(
                    RegistryException.class, () -> serde.serializer().serialize(TOPIC, securityEvent()));

            assertThat(e.status()).isEqualTo(404);
            assertThat(e)
                    .hasMessageContaining("dev.rotor.avro.SecurityEvent is not registered under subject "
                            + "'security-events-value' and auto.register.schemas is false");
            assertThat(e.getMessage()).doesNotContain(SECRET);
        }

        @Test
        void aRegisteredSchemaIsLookedUpNotRegisteredAgain() {
            final int id = registry.register("security-events-value", SecurityEvent.getClassSchema());
            final ConfluentAvroSerde<SecurityEvent> serde = serde(SecurityEvent.class, "auto.register.schemas", false);

            final byte[] bytes = serde.serializer().serialize(TOPIC, securityEvent());

            assertThat(idOf(bytes)).isEqualTo(id);
            assertThat(registry.latest("security-events-value").version()).isEqualTo(1);
        }

        @Test
        void useLatestVersionWritesWithTheLatestIdWhenItIsTheSameSchema() {
            final int id = registry.register("security-events-value", SecurityEvent.getClassSchema());
            final ConfluentAvroSerde<SecurityEvent> serde =
                    serde(SecurityEvent.class, "auto.register.schemas", "false", "use.latest.version", "true");

            final byte[] bytes = serde.serializer().serialize(TOPIC, securityEvent());

            assertThat(idOf(bytes)).isEqualTo(id);
            assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(securityEvent());
        }

        @Test
        void useLatestVersionConvertsToANewerLatestSchemaThatAddsAFieldWithDefault() {
            // given a newer version (extra field with a default) is the subject's latest
            registry.register("security-events-value", SecurityEvent.getClassSchema());
            final Schema newer = securityEventWithExtraField("risk_score", true);
            final int newerId = registry.register("security-events-value", newer);
            final ConfluentAvroSerde<SecurityEvent> serde =
                    serde(SecurityEvent.class, "auto.register.schemas", "false", "use.latest.version", "true");
            // when
            final byte[] bytes = serde.serializer().serialize(TOPIC, securityEvent());
            // then the bytes carry the newer id, are valid for the newer schema, and read back as this class
            assertThat(idOf(bytes)).isEqualTo(newerId);
            assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(securityEvent());
        }

        @Test
        void useLatestVersionRefusesALatestSchemaThatCannotReadTheRecord() {
            registry.register("security-events-value", securityEventWithExtraField("required_int", false));
            final ConfluentAvroSerde<SecurityEvent> serde =
                    serde(SecurityEvent.class, "auto.register.schemas", "false", "use.latest.version", "true");

            assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, securityEvent()))
                    .isInstanceOf(SerializationException.class)
                    .hasMessageContaining("use.latest.version")
                    .hasMessageContaining("cannot read dev.rotor.avro.SecurityEvent")
                    .hasMessageNotContaining(SECRET);
        }
    }

    @Nested
    class SchemaEvolution {
        @Test
        void dataWrittenWithAnOlderSchemaLackingSourceIpReadsAsTheCurrentClass() {
            // given a record written by an older producer whose schema had no source_ip
            final Schema older = securityEventWithout("source_ip");
            final int olderId = registry.register("security-events-value", older);
            final byte[] bytes = wire(olderId, genericSecurityEvent(older));
            // when
            final SecurityEvent event =
                    serde(SecurityEvent.class).deserializer().deserialize(TOPIC, bytes);
            // then
            final SecurityEvent expected = securityEvent();
            expected.setSourceIp(null);
            assertThat(event).isEqualTo(expected);
        }

        @Test
        void dataWrittenWithANewerSchemaWithAnExtraFieldReadsAsTheCurrentClass() {
            final Schema newer = securityEventWithExtraField("risk_score", true);
            final int newerId = registry.register("security-events-value", newer);

            final SecurityEvent event = serde(SecurityEvent.class)
                    .deserializer()
                    .deserialize(TOPIC, wire(newerId, genericSecurityEvent(newer)));

            assertThat(event).isEqualTo(securityEvent());
        }
    }

    @Test
    void aNullRequiredFieldFailsSerializationNamingTheFieldButNoValue() {
        final ConfluentAvroSerde<SecurityEvent> serde = serde(SecurityEvent.class);
        final SecurityEvent broken = securityEvent();
        broken.setEventType(null);

        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, broken))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("could not serialize dev.rotor.avro.SecurityEvent for topic 'security-events'")
                .hasMessageContaining("event_type")
                .hasMessageNotContaining(SECRET)
                .hasNoCause();
    }

    /** Counts calls that reach the wrapped registry. */
    static final class CountingRegistry implements SchemaRegistry {
        private final SchemaRegistry delegate;
        int calls;

        CountingRegistry(final SchemaRegistry delegate) {
            this.delegate = delegate;
        }

        @Override
        public synchronized int register(final String subject, final Schema schema) {
            calls++;
            return delegate.register(subject, schema);
        }

        @Override
        public synchronized int lookup(final String subject, final Schema schema) {
            calls++;
            return delegate.lookup(subject, schema);
        }

        @Override
        public synchronized Registered latest(final String subject) {
            calls++;
            return delegate.latest(subject);
        }

        @Override
        public synchronized Schema schemaById(final int id) {
            calls++;
            return delegate.schemaById(id);
        }
    }
}
