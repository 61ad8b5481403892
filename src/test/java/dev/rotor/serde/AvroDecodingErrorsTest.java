package dev.rotor.serde;

import static dev.rotor.serde.SerdeFixtures.SECRET;
import static dev.rotor.serde.SerdeFixtures.config;
import static dev.rotor.serde.SerdeFixtures.genericSecurityEvent;
import static dev.rotor.serde.SerdeFixtures.header;
import static dev.rotor.serde.SerdeFixtures.securityEvent;
import static dev.rotor.serde.SerdeFixtures.securityEventWithout;
import static dev.rotor.serde.SerdeFixtures.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.AvroDecodingException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each way a record's bytes can be bad gives its own {@link Kind}, and no message leaks the record's content. */
class AvroDecodingErrorsTest {
    private static final String TOPIC = "security-events";

    private String scope;
    private MockSchemaRegistry registry;
    private ConfluentAvroSerde<SecurityEvent> serde;
    private Deserializer<SecurityEvent> deserializer;

    @BeforeEach
    void setUp() {
        scope = SerdeFixtures.freshScope();
        registry = new MockSchemaRegistry(scope);
        serde = new ConfluentAvroSerde<>(SecurityEvent.class);
        serde.configure(config(scope), false);
        deserializer = serde.deserializer();
    }

    @AfterEach
    void tearDown() {
        MockSchemaRegistry.drop(scope);
    }

    private AvroDecodingException decodeFailure(final byte[] bytes) {
        final AvroDecodingException e =
                catchThrowableOfType(AvroDecodingException.class, () -> deserializer.deserialize(TOPIC, bytes));
        assertThat(e).as("decoding should fail").isNotNull();
        assertThat(e.getMessage())
                .doesNotContain(SECRET)
                .doesNotContain("hunter2")
                .startsWith(e.kind() + ": ");
        return e;
    }

    private byte[] validBytes() {
        return serde.serializer().serialize(TOPIC, securityEvent());
    }

    @Test
    void zeroBytesAreEmpty() {
        final AvroDecodingException e = decodeFailure(new byte[0]);

        assertThat(e.kind()).isEqualTo(Kind.EMPTY);
        assertThat(e.schemaId()).isEqualTo(AvroDecodingException.NO_SCHEMA_ID);
    }

    @Test
    void jsonInsteadOfAvroIsABadMagicByte() {
        final byte[] json = ("{\"description\":\"" + SECRET + "\"}").getBytes(StandardCharsets.UTF_8);

        final AvroDecodingException e = decodeFailure(json);

        assertThat(e.kind()).isEqualTo(Kind.BAD_MAGIC_BYTE);
        assertThat(e).hasMessageContaining("magic byte 0").hasMessageContaining(json.length + " bytes");
    }

    @Test
    void anIdTheRegistryDoesNotKnowIsUnknownSchemaId() {
        final AvroDecodingException e = decodeFailure(header(4242, SECRET.getBytes(StandardCharsets.UTF_8)));

        assertThat(e.kind()).isEqualTo(Kind.UNKNOWN_SCHEMA_ID);
        assertThat(e.schemaId()).isEqualTo(4242);
        assertThat(e).hasMessageContaining("schema id 4242");
    }

    @Test
    void fewerBytesThanTheHeaderAreTruncated() {
        final AvroDecodingException e = decodeFailure(new byte[] {0, 0, 1});

        assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
        assertThat(e).hasMessageContaining("3 bytes");
    }

    @Test
    void aRecordCutShortIsTruncated() {
        final byte[] valid = validBytes();

        final AvroDecodingException e = decodeFailure(Arrays.copyOf(valid, valid.length - 3));

        assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
        assertThat(e.schemaId()).isEqualTo(SerdeFixtures.idOf(valid));
        assertThat(e).hasNoCause();
    }

    @Test
    void bytesAfterACompleteRecordAreMalformed() {
        final byte[] valid = validBytes();
        final byte[] trailing = SECRET.getBytes(StandardCharsets.UTF_8);
        final byte[] withGarbage = Arrays.copyOf(valid, valid.length + trailing.length);
        System.arraycopy(trailing, 0, withGarbage, valid.length, trailing.length);

        final AvroDecodingException e = decodeFailure(withGarbage);

        assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(e).hasMessageContaining(trailing.length + " bytes left over");
    }

    @Test
    void aStringLengthLargerThanTheRecordIsTruncatedWithoutAllocatingIt() {
        // event_id: union branch 1 (string), then a length of 1,000,000,000 bytes; only a few bytes follow
        final int id = registry.register("security-events-value", SecurityEvent.getClassSchema());
        final byte[] hostile =
                header(id, (byte) 0x02, (byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, (byte) 0x07, (byte) 's');

        final AvroDecodingException e = decodeFailure(hostile);

        assertThat(e.kind()).isEqualTo(Kind.TRUNCATED);
    }

    @Test
    void aNegativeStringLengthIsMalformed() {
        final int id = registry.register("security-events-value", SecurityEvent.getClassSchema());
        // event_id: union branch 1 (string), length -1
        final AvroDecodingException e = decodeFailure(header(id, (byte) 0x02, (byte) 0x01, (byte) 's'));

        assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
        assertThat(e).hasNoCause();
    }

    @Test
    void aUnionBranchThatDoesNotExistIsMalformed() {
        final int id = registry.register("security-events-value", SecurityEvent.getClassSchema());
        // event_id is ["null","string"]: branch 7 does not exist
        final AvroDecodingException e = decodeFailure(header(id, (byte) 0x0e, (byte) 0x02, (byte) 's'));

        assertThat(e.kind()).isEqualTo(Kind.MALFORMED);
    }

    @Test
    void aWriterSchemaWithoutARequiredReaderFieldIsIncompatible() {
        // given a writer schema lacking event_type, which the reader requires and has no default for
        final Schema broken = securityEventWithout("event_type");
        final int id = registry.register("other-subject", broken);
        final byte[] bytes = wire(id, genericSecurityEvent(broken));
        // when
        final AvroDecodingException e = decodeFailure(bytes);
        // then
        assertThat(e.kind()).isEqualTo(Kind.INCOMPATIBLE_SCHEMA);
        assertThat(e.schemaId()).isEqualTo(id);
        assertThat(e).hasMessageContaining("event_type").hasNoCause();
    }

    @Test
    void anIncompatibleWriterStaysIncompatibleOnTheNextRecordToo() {
        final Schema broken = securityEventWithout("event_type");
        final int id = registry.register("other-subject", broken);
        final byte[] bytes = wire(id, genericSecurityEvent(broken));
        decodeFailure(bytes);

        assertThat(decodeFailure(bytes).kind()).isEqualTo(Kind.INCOMPATIBLE_SCHEMA);
    }

    @Test
    void anUnreachableRegistryIsNotBadDataButATransientFailure() {
        final ConfluentAvroDeserializer<SecurityEvent> offline =
                new ConfluentAvroDeserializer<>(SecurityEvent.class, new UnreachableRegistry());
        offline.configure(Map.of(), false);

        final RegistryException e =
                catchThrowableOfType(RegistryException.class, () -> offline.deserialize(TOPIC, header(5, (byte) 0)));

        assertThat(e).isInstanceOf(RegistryUnavailableException.class).isNotInstanceOf(AvroDecodingException.class);
    }

    /** A registry that is never reachable. */
    private static final class UnreachableRegistry implements SchemaRegistry {
        private static RegistryUnavailableException down() {
            return new RegistryUnavailableException("schema registry unavailable: test", 503, 50001);
        }

        @Override
        public int register(final String subject, final Schema schema) {
            throw down();
        }

        @Override
        public int lookup(final String subject, final Schema schema) {
            throw down();
        }

        @Override
        public Registered latest(final String subject) {
            throw down();
        }

        @Override
        public Schema schemaById(final int id) {
            throw down();
        }
    }
}
