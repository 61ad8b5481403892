package dev.rotor.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link EmbeddedKafka} per test class and stops it after the class:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
 * }</pre>
 *
 * The field must be static (JUnit only calls before/after-all callbacks of static extensions). {@code @Nested} classes
 * share the outer class's broker. Test and lifecycle methods may also declare an {@link EmbeddedKafka} parameter.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final Map<String, String> brokerConfigOverrides;
    private EmbeddedKafka kafka;
    private String ownerContextId;

    public EmbeddedKafkaExtension() {
        this(Map.of());
    }

    /** With extra or overriding broker settings, see {@link EmbeddedKafka#start(Map)}. */
    public EmbeddedKafkaExtension(Map<String, String> brokerConfigOverrides) {
        this.brokerConfigOverrides = Map.copyOf(brokerConfigOverrides);
    }

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (kafka == null) { // a @Nested class reuses its enclosing class's broker
            kafka = EmbeddedKafka.start(brokerConfigOverrides);
            ownerContextId = context.getUniqueId();
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (kafka != null && context.getUniqueId().equals(ownerContextId)) {
            try {
                kafka.close();
            } finally {
                kafka = null;
                ownerContextId = null;
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return kafka();
    }

    /** The running broker. */
    public synchronized EmbeddedKafka kafka() {
        if (kafka == null) {
            throw new IllegalStateException("embedded Kafka is not running: register EmbeddedKafkaExtension "
                    + "on a static field with @RegisterExtension");
        }
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    public void createTopics(int partitions, String... names) {
        kafka().createTopics(partitions, names);
    }

    public Map<String, Object> producerProps() {
        return kafka().producerProps();
    }

    public Map<String, Object> consumerProps(String groupId) {
        return kafka().consumerProps(groupId);
    }

    public List<ConsumerRecord<byte[], byte[]>> readRecords(String topic, int expected, Duration timeout) {
        return kafka().readRecords(topic, expected, timeout);
    }

    public List<ConsumerRecord<byte[], byte[]>> readAllCommitted(String topic, Duration timeout) {
        return kafka().readAllCommitted(topic, timeout);
    }
}
