package dev.rotor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CounterStoreTest {
    @TempDir
    Path stateDir;

    private final List<CounterStore> opened = new ArrayList<>();

    @Test
    void countsReachTheChangelogWhenKafkaStreamsCommits() {
        final Topology topology = new Topology();
        topology.addSource("in", new StringDeserializer(), new StringDeserializer(), "events");
        topology.addProcessor(
                "count",
                () -> new Processor<String, String, Void, Void>() {
                    private KeyValueStore<String, Long> counters;

                    @Override
                    public void init(final ProcessorContext<Void, Void> context) {
                        counters = context.getStateStore("counters");
                    }

                    @Override
                    public void process(final Record<String, String> record) {
                        CounterStore.increment(counters, "events", 1);
                        CounterStore.increment(counters, record.value(), 1);
                    }
                },
                "in");
        topology.addStateStore(CounterStore.builder("counters"), "count");
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "counter-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(topology, props)) {
            final TestInputTopic<String, String> in =
                    driver.createInputTopic("events", new StringSerializer(), new StringSerializer());
            in.pipeInput("k", "a");
            in.pipeInput("k", "b");
            in.pipeInput("k", "a");
            final TestOutputTopic<String, Long> changelog = driver.createOutputTopic(
                    "counter-test-counters-changelog", new StringDeserializer(), new LongDeserializer());
            final List<KeyValue<String, Long>> logged = changelog.readKeyValuesToList();
            // without the commit hook nothing would reach the changelog: the counts live in memory until then
            assertThat(logged).isNotEmpty();
            final Map<String, Long> last = new HashMap<>();
            logged.forEach(kv -> last.put(kv.key, kv.value));
            assertThat(last).containsEntry("events", 3L).containsEntry("a", 2L).containsEntry("b", 1L);
            final KeyValueStore<String, Long> store = driver.getKeyValueStore("counters");
            assertThat(store.get("events")).isEqualTo(3L);
        }
    }

    @Test
    void uncommittedCountsAreReadableAndDroppedWithTheTasksUncommittedState() {
        final CounterStore store = standalone();
        CounterStore.increment(store, "events", 2);
        CounterStore.increment(store, "events", 1);
        assertThat(store.get("events")).isEqualTo(3L);
        store.flushCache(); // what Kafka Streams does before a commit

        CounterStore.increment(store, "events", 5);
        CounterStore.increment(store, "late", 1);
        assertThat(store.get("events")).isEqualTo(8L);
        assertThat(entries(store)).containsExactly(KeyValue.pair("events", 8L), KeyValue.pair("late", 1L));

        store.clearCache(); // what Kafka Streams does when it discards a task's uncommitted state
        assertThat(store.get("events")).isEqualTo(3L);
        assertThat(store.get("late")).isNull();
        assertThat(entries(store)).containsExactly(KeyValue.pair("events", 3L));
    }

    @Test
    void rangeAndDeleteSeeTheUncommittedCounts() {
        final CounterStore store = standalone();
        CounterStore.increment(store, "a", 1);
        store.flushCache();
        CounterStore.increment(store, "b", 4);
        CounterStore.increment(store, "c", 1);
        final List<KeyValue<String, Long>> range = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.range("a", "b")) {
            it.forEachRemaining(range::add);
        }
        assertThat(range).containsExactly(KeyValue.pair("a", 1L), KeyValue.pair("b", 4L));
        assertThat(store.delete("a")).isEqualTo(1L);
        store.flushCache();
        assertThat(entries(store)).containsExactly(KeyValue.pair("b", 4L), KeyValue.pair("c", 1L));
    }

    private CounterStore standalone() {
        final CounterStore store = CounterStore.builder("counters")
                .withCachingDisabled()
                .withLoggingDisabled()
                .build();
        final MockProcessorContext<Void, Void> context =
                new MockProcessorContext<>(new Properties(), new TaskId(0, 0), stateDir.toFile());
        store.init(context.getStateStoreContext(), store);
        opened.add(store);
        return store;
    }

    @AfterEach
    void close() {
        opened.forEach(CounterStore::close);
    }

    private static List<KeyValue<String, Long>> entries(final KeyValueStore<String, Long> store) {
        final List<KeyValue<String, Long>> all = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(all::add);
        }
        return all;
    }
}
