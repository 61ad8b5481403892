package dev.rotor.testing;

import dev.rotor.topics.Topic;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** A TopologyTestDriver's topics made from rotor's {@link Topic} registry entries, with the same serdes rotor uses. */
public final class TopologyTopics {
    private TopologyTopics() {}

    public static <K, V> TestInputTopic<K, V> input(final TopologyTestDriver driver, final Topic<K, V> topic) {
        return driver.createInputTopic(
                topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    public static <K, V> TestOutputTopic<K, V> output(final TopologyTestDriver driver, final Topic<K, V> topic) {
        return driver.createOutputTopic(
                topic.name(),
                topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
    }
}
