package dev.rotor.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /stats} for the whole group: this instance's statistics plus every other instance's. The other instances are
 * found through Kafka Streams' metadata (each member's {@code application.server}, which rotor sets to its HTTP
 * endpoint) and asked for their own share ({@code /stats?scope=instance}). The statistics stores are partitioned, so
 * the shares add up to the group's totals.
 *
 * <p>Limits: an instance that does not answer within {@link #TIMEOUT} is listed under {@code unreachable} and its share
 * is missing ({@code "complete": false}); so is a share whose stores were not queryable (a rebalance).
 */
public final class GroupStatistics {
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(GroupStatistics.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Statistics local;
    private final Map<String, KafkaStreams> clients;
    private final HostInfo self;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /**
     * @param local this instance's statistics
     * @param clients this instance's Kafka Streams clients (their metadata names the other members)
     * @param self this instance's {@code application.server}
     */
    public GroupStatistics(final Statistics local, final Map<String, KafkaStreams> clients, final HostInfo self) {
        this.local = local;
        this.clients = Map.copyOf(clients);
        this.self = self;
    }

    /** The other members' endpoints, as Kafka Streams knows them now. */
    Set<HostInfo> others() {
        final Set<HostInfo> hosts = new LinkedHashSet<>();
        for (final KafkaStreams streams : clients.values()) {
            try {
                for (final StreamsMetadata m : streams.metadataForAllStreamsClients()) {
                    if (!m.hostInfo().equals(self) && m.hostInfo().port() > 0) {
                        hosts.add(m.hostInfo());
                    }
                }
            } catch (final RuntimeException e) {
                LOG.debug("no metadata yet ({})", e.getClass().getSimpleName());
            }
        }
        return hosts;
    }

    /**
     * The group's statistics as {@code /stats} shows them: the statistics summed, {@code complete} only when every
     * member answered with a complete share, then {@code instances} (endpoints that answered, this one first) and
     * {@code unreachable}.
     */
    public Map<String, Object> asJson() {
        final Statistics.Snapshot mine = local.snapshot();
        final Map<String, Long> sum = new LinkedHashMap<>(mine.counters());
        boolean complete = mine.complete();
        final List<String> reached = new ArrayList<>(List.of(self.host() + ":" + self.port()));
        final List<String> unreachable = new ArrayList<>();
        for (final HostInfo other : others()) {
            final String name = other.host() + ":" + other.port();
            try {
                final HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://" + name + "/stats?scope=instance"))
                                .timeout(TIMEOUT)
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IOException("HTTP " + r.statusCode());
                }
                final JsonNode share = JSON.readTree(r.body());
                for (final String statistic : Statistics.COUNTERS) {
                    sum.merge(statistic, share.path(statistic).asLong(0), Long::sum);
                }
                complete &= share.path(Statistics.COMPLETE).asBoolean(false);
                reached.add(name);
            } catch (final IOException e) {
                unreachable.add(name);
                LOG.debug(
                        "instance {} did not answer for /stats ({})",
                        name,
                        e.getClass().getSimpleName());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                unreachable.add(name);
            }
        }
        final Map<String, Object> json = new Statistics.Snapshot(sum, mine.stores()).toJson();
        json.put(Statistics.COMPLETE, complete && unreachable.isEmpty());
        json.put("instances", reached);
        json.put("unreachable", unreachable);
        return json;
    }
}
