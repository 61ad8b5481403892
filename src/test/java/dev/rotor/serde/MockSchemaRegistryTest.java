package dev.rotor.serde;

import static dev.rotor.serde.SerdeFixtures.securityEventWithExtraField;
import static dev.rotor.serde.SerdeFixtures.securityEventWithout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.SecurityEvent;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryTest {
    private static final String SUBJECT = "security-events-value";

    private String scope;
    private MockSchemaRegistry registry;

    @BeforeEach
    void setUp() {
        scope = SerdeFixtures.freshScope();
        registry = new MockSchemaRegistry(scope);
    }

    @AfterEach
    void tearDown() {
        MockSchemaRegistry.drop(scope);
    }

    @Test
    void idsStartAtOneAndTheSameSchemaKeepsItsIdAcrossSubjects() {
        final int first = registry.register(SUBJECT, SecurityEvent.getClassSchema());
        final int again = registry.register(SUBJECT, SecurityEvent.getClassSchema());
        final int elsewhere = registry.register("archive-value", SecurityEvent.getClassSchema());
        final int audit = registry.register("rotation-audit-value", AuditRecord.getClassSchema());

        assertThat(first).isEqualTo(1);
        assertThat(again).isEqualTo(1);
        assertThat(elsewhere).isEqualTo(1);
        assertThat(audit).isEqualTo(2);
        assertThat(registry.latest(SUBJECT).version()).isEqualTo(1);
        assertThat(registry.schemaById(1)).isEqualTo(SecurityEvent.getClassSchema());
    }

    @Test
    void aBackwardCompatibleSchemaBecomesTheNextVersion() {
        registry.register(SUBJECT, securityEventWithout("source_ip"));

        final int id = registry.register(SUBJECT, SecurityEvent.getClassSchema());

        assertThat(registry.latest(SUBJECT))
                .isEqualTo(new SchemaRegistry.Registered(id, 2, SecurityEvent.getClassSchema()));
    }

    @Test
    void aBackwardIncompatibleSchemaIsRefusedWith409() {
        // given
        registry.register(SUBJECT, SecurityEvent.getClassSchema());
        // when a new version adds a required field without default (cannot read old data)
        final RegistryException e = catchThrowableOfType(
                RegistryException.class,
                () -> registry.register(SUBJECT, securityEventWithExtraField("risk_score", false)));
        // then
        assertThat(e).isNotInstanceOf(RegistryUnavailableException.class);
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.errorCode()).isEqualTo(409);
        assertThat(e)
                .hasMessageStartingWith("schema for subject 'security-events-value' is incompatible with an "
                        + "earlier version (BACKWARD): ")
                .hasMessageContaining("risk_score");
        assertThat(registry.latest(SUBJECT).version()).isEqualTo(1);
    }

    @Test
    void anUnknownIdIs404WithSchemaNotFoundCode() {
        final RegistryException e = catchThrowableOfType(RegistryException.class, () -> registry.schemaById(42));

        assertThat(e.status()).isEqualTo(404);
        assertThat(e.errorCode()).isEqualTo(40403);
        assertThat(e).hasMessageStartingWith("unknown schema id 42");
    }

    @Test
    void lookupTellsAnUnknownSubjectFromAnUnregisteredSchema() {
        registry.register(SUBJECT, securityEventWithout("source_ip"));

        final RegistryException noSubject = catchThrowableOfType(
                RegistryException.class, () -> registry.lookup("nope-value", SecurityEvent.getClassSchema()));
        final RegistryException noSchema = catchThrowableOfType(
                RegistryException.class, () -> registry.lookup(SUBJECT, SecurityEvent.getClassSchema()));

        assertThat(noSubject.errorCode()).isEqualTo(40401);
        assertThat(noSubject).hasMessageStartingWith("subject 'nope-value' is not registered");
        assertThat(noSchema.errorCode()).isEqualTo(40403);
        assertThat(noSchema).hasMessageStartingWith("schema is not registered under subject 'security-events-value'");
    }

    @Test
    void scopesAreIsolatedAndDropForgetsOne() {
        final MockSchemaRegistry other = new MockSchemaRegistry(scope + "-other");
        try {
            registry.register(SUBJECT, Schema.create(Schema.Type.STRING));
            registry.register(SUBJECT + "2", Schema.create(Schema.Type.LONG));

            assertThat(other.register(SUBJECT, Schema.create(Schema.Type.LONG))).isEqualTo(1);

            MockSchemaRegistry.drop(scope);
            assertThat(registry.register("fresh", Schema.create(Schema.Type.LONG)))
                    .isEqualTo(1);
        } finally {
            MockSchemaRegistry.drop(other.scope());
        }
    }

    @Test
    void theFactoryReturnsTheMockForAMockUrl() {
        final SchemaRegistry fromConfig = SchemaRegistries.fromConfig(Map.of("schema.registry.url", "mock://" + scope));
        registry.register(SUBJECT, Schema.create(Schema.Type.STRING));

        assertThat(fromConfig).isInstanceOf(MockSchemaRegistry.class);
        assertThat(fromConfig.latest(SUBJECT).id()).isEqualTo(1);
    }
}
