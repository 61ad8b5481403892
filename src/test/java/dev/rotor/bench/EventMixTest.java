package dev.rotor.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.SecurityEvent;
import dev.rotor.serde.SecurityEventDecoder;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The throughput data set: the issue's mix, event-time order, and events rotor itself accepts. */
class EventMixTest {
    private static final long START = 1_764_000_000_000L;

    @Test
    void theMixHasTheIssuesShares() {
        final EventMix mix = EventMix.generate(1_000_000, START, 42, "t");
        assertThat(mix.counts())
                .containsEntry("single_failed_auth", 600_000)
                .containsEntry("brute_force_burst", 100_000)
                .containsEntry("rate_limit", 200_000)
                .containsEntry("noise", 90_000)
                .containsEntry("trigger", 10_000);
        assertThat(mix.singlePaths()).isEqualTo(100_000);
        assertThat(mix.burstPaths()).isEqualTo(100);
    }

    @Test
    void eventsAreInEventTimeOrderWithinThirtyMinutes() {
        final EventMix mix = EventMix.generate(50_000, START, 7, "t");
        for (int i = 1; i < mix.count(); i++) {
            assertThat(mix.time(i)).isGreaterThanOrEqualTo(mix.time(i - 1));
        }
        assertThat(mix.time(0)).isGreaterThanOrEqualTo(START);
        assertThat(mix.time(mix.count() - 1)).isLessThan(START + EventMix.SPAN_MS);
    }

    @Test
    void rotorDecodesEveryKindAndEachBurstStaysWithinTenMinutes() {
        final EventMix mix = EventMix.generate(20_000, START, 42, "t");
        final SecurityEventDecoder decoder = new SecurityEventDecoder(1_048_576, null);
        final Set<String> types = new HashSet<>();
        final Map<String, long[]> burstSpan = new HashMap<>();
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < mix.count(); i++) {
            final byte[] json = mix.json(i);
            assertThat(json.length).isBetween(150, 320);
            final SecurityEvent e = decoder.decode("t", json);
            assertThat(e.getTimestamp().toEpochMilli()).isEqualTo(mix.time(i));
            assertThat(ids.add(e.getEventId())).isTrue();
            types.add(e.getEventType() + "/" + e.getThreatLevel());
            final List<String> paths = e.getAffectedResources();
            assertThat(paths).hasSize(1);
            if (paths.get(0).startsWith("secret/bench/admin/")) {
                burstSpan.computeIfAbsent(paths.get(0), p -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                final long[] s = burstSpan.get(paths.get(0));
                s[0] = Math.min(s[0], mix.time(i));
                s[1] = Math.max(s[1], mix.time(i));
            }
        }
        assertThat(types)
                .contains(
                        "failed_auth_spike/medium",
                        "rate_limit_exceeded/low",
                        "suspicious_access/low",
                        "anomalous_behavior/medium",
                        "leaked_credential/critical",
                        "api_key_exposed/high");
        assertThat(burstSpan).hasSize(2);
        burstSpan.values().forEach(s -> assertThat(s[1] - s[0]).isLessThan(EventMix.BURST_MS));
    }

    @Test
    void theSparseMixKeepsTheSharesButNamesEachPathAtMostTwice() {
        final EventMix bench = EventMix.generate(20_000, START, 42, "t");
        final EventMix sparse = EventMix.sparse(20_000, START, 42, "s");
        assertThat(sparse.counts()).isEqualTo(bench.counts());
        assertThat(sparse.isSparse()).isTrue();
        final Map<String, Integer> perPath = new HashMap<>();
        final SecurityEventDecoder decoder = new SecurityEventDecoder(1_048_576, null);
        for (int i = 0; i < sparse.count(); i++) {
            if (i > 0) {
                assertThat(sparse.time(i)).isGreaterThanOrEqualTo(sparse.time(i - 1));
            }
            final SecurityEvent e = decoder.decode("t", sparse.json(i));
            assertThat(e.getAffectedResources()).containsExactly(sparse.path(i));
            perPath.merge(sparse.path(i), 1, Integer::sum);
        }
        assertThat(perPath).hasSize(10_000).hasSize(sparse.distinctPaths());
        assertThat(perPath.values()).allMatch(n -> n <= 2);
        assertThat(sparse.triggerPaths()).isEmpty();
        assertThat(sparse.burstPathNames()).isEmpty();
    }

    @Test
    void theMixNamesItsDirectTriggersAndBurstsAndCanBeRestampedForALiveStream() {
        final EventMix mix = EventMix.generate(20_000, START, 42, "t", "secret/bench/load/r1", false);
        final Set<String> triggers = new HashSet<>(mix.triggerPaths());
        final Set<String> bursts = new HashSet<>(mix.burstPathNames());
        assertThat(triggers).hasSize(200).allMatch(p -> p.startsWith("secret/bench/load/r1/leaked/"));
        assertThat(bursts).hasSize(2);
        assertThat(mix.burstFailuresPerPath()).isEqualTo(1_000);
        final SecurityEventDecoder decoder = new SecurityEventDecoder(1_048_576, null);
        final Set<String> named = new HashSet<>();
        for (int i = 0; i < mix.count(); i++) {
            named.add(mix.path(i));
        }
        assertThat(named).containsAll(triggers).containsAll(bursts);
        final long live = START + 3_600_000L;
        assertThat(decoder.decode("t", mix.json(7, live)).getTimestamp().toEpochMilli())
                .isEqualTo(live);
    }

    @Test
    void aFigureReportsMedianAndSpread() {
        final Figure f = new Figure("k", "s", "l", "u", List.of(3.0, 1.0, 2.0));
        assertThat(f.median()).isEqualTo(2.0);
        assertThat(f.min()).isEqualTo(1.0);
        assertThat(f.max()).isEqualTo(3.0);
        assertThat(new Figure("k", "s", "l", "u", List.of(4.0, 1.0)).median()).isEqualTo(2.5);
    }

    @Test
    void theBaselineCountsOnlyFailedLoginsAndRateLimitsPerPath() {
        final EventMix mix = EventMix.generate(1_000, START, 42, "t");
        int counted = 0;
        for (int i = 0; i < mix.count(); i++) {
            counted += BaselineTopology.byPath(mix.json(i)).size();
        }
        assertThat(counted)
                .isEqualTo(mix.counts().get("single_failed_auth")
                        + mix.counts().get("brute_force_burst")
                        + mix.counts().get("rate_limit"));
        assertThat(BaselineTopology.byPath("not json".getBytes(UTF_8))).isEmpty();
    }
}
