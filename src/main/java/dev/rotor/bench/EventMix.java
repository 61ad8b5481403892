package dev.rotor.bench;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The throughput data set: N security events with a realistic mix, event times spread over 30 minutes, generated
 * deterministically from a seed and kept compactly (kind, path, time per event) so that they are serialised on the fly
 * by the loader threads.
 *
 * <ul>
 *   <li>60 % single failed logins ({@code failed_auth_spike}, medium, weight 1) round-robin over min(100,000, count)
 *       distinct paths — sparse keys, each path stays below the threshold;
 *   <li>10 % brute-force bursts: {@code round(0.1 N / 1000)} paths (100 at N = 1 M) each taking 1,000 failed logins
 *       within one 10-minute slice of the 30 minutes — dense keys that cross the threshold again and again;
 *   <li>20 % rate-limit violations ({@code rate_limit_exceeded}, low, weight 1) over 2,000 paths (below 100 per 5
 *       minutes at N = 1 M);
 *   <li>9 % noise ({@code suspicious_access}/{@code anomalous_behavior}, low/medium: not a compromise indicator) on
 *       paths of the single pool;
 *   <li>1 % direct triggers ({@code leaked_credential} critical or {@code api_key_exposed} high), one distinct path
 *       each.
 * </ul>
 *
 * Events are sorted by event time; partition {@code i % partitions} receives the i-th, so every partition is in
 * event-time order. The record timestamp is the event time (the hand-written baseline windows on it).
 *
 * <p>{@link #sparse} keeps the same kinds and shares but gives every event a path of its own among {@code ceil(N / 2)}
 * paths (two events per path, at random times in the 30 minutes: about one event per path per 15-minute window), the
 * layout in which the DSL's sliding windows are cheapest (DESIGN.md §8) — baseline (b2).
 */
public final class EventMix {
    public static final long SPAN_MS = 30 * 60_000L;
    public static final long BURST_MS = 10 * 60_000L;
    public static final int SINGLE_PATHS = 100_000;
    public static final int BURST_FAILURES = 1_000;
    public static final int RATE_LIMIT_PATHS = 2_000;

    static final byte SINGLE = 0;
    static final byte BURST = 1;
    static final byte RATE_LIMIT = 2;
    static final byte NOISE = 3;
    static final byte TRIGGER = 4;

    private final int count;
    private final long startMs;
    private final String runTag;
    private final byte[] kinds;
    private final int[] paths;
    private final long[] times;
    private final Map<String, Integer> counts = new LinkedHashMap<>();
    private final int singlePaths;
    private final int burstPaths;
    /** The first segments of every path, e.g. {@code secret/bench}. */
    private final String pathRoot;
    /** Paths in the sparse layout (every kind on the one pool {@code <root>/sparse/s<n>}); 0: the bench layout. */
    private final int sparsePaths;

    private EventMix(
            final int count,
            final long startMs,
            final String runTag,
            final byte[] kinds,
            final int[] paths,
            final long[] times,
            final int singlePaths,
            final int burstPaths,
            final String pathRoot,
            final int sparsePaths) {
        this.count = count;
        this.startMs = startMs;
        this.runTag = runTag;
        this.kinds = kinds;
        this.paths = paths;
        this.times = times;
        this.singlePaths = singlePaths;
        this.burstPaths = burstPaths;
        this.pathRoot = pathRoot;
        this.sparsePaths = sparsePaths;
    }

    /** Generates {@code count} events whose times lie in [startMs, startMs + 30 min), paths under secret/bench. */
    public static EventMix generate(final int count, final long startMs, final long seed, final String runTag) {
        return generate(count, startMs, seed, runTag, "secret/bench", false);
    }

    /**
     * The bench mix's kinds and shares, but each path named by two events only ({@code ceil(count / 2)} paths under
     * {@code secret/bench/sparse/}): about one event per path per window, for baseline (b2).
     */
    public static EventMix sparse(final int count, final long startMs, final long seed, final String runTag) {
        return generate(count, startMs, seed, runTag, "secret/bench", true);
    }

    /**
     * The bench mix with its paths under {@code pathRoot} (e.g. {@code secret/bench/load/r1}), so the secrets of one
     * run are not those of another.
     */
    public static EventMix generate(
            final int count,
            final long startMs,
            final long seed,
            final String runTag,
            final String pathRoot,
            final boolean sparse) {
        final int bursts = (int) Math.round(count * 0.10);
        final int rateLimits = (int) Math.round(count * 0.20);
        final int triggers = (int) Math.round(count * 0.01);
        final int singles = (int) Math.round(count * 0.60);
        final int noise = count - bursts - rateLimits - triggers - singles;
        final int burstPaths = Math.max(1, (int) Math.round(bursts / (double) BURST_FAILURES));
        final int singlePaths = Math.max(1, Math.min(SINGLE_PATHS, singles));
        final SplittableRandom random = new SplittableRandom(seed);
        final byte[] kind = new byte[count];
        final int[] path = new int[count];
        final long[] time = new long[count];
        int i = 0;
        for (int j = 0; j < singles; j++, i++) {
            kind[i] = SINGLE;
            path[i] = j % singlePaths;
            time[i] = random.nextLong(SPAN_MS);
        }
        final long[] burstStart = new long[burstPaths];
        for (int p = 0; p < burstPaths; p++) {
            burstStart[p] = random.nextLong(SPAN_MS - BURST_MS);
        }
        for (int j = 0; j < bursts; j++, i++) {
            kind[i] = BURST;
            path[i] = j % burstPaths;
            time[i] = burstStart[path[i]] + random.nextLong(BURST_MS);
        }
        for (int j = 0; j < rateLimits; j++, i++) {
            kind[i] = RATE_LIMIT;
            path[i] = j % RATE_LIMIT_PATHS;
            time[i] = random.nextLong(SPAN_MS);
        }
        for (int j = 0; j < noise; j++, i++) {
            kind[i] = NOISE;
            path[i] = random.nextInt(singlePaths);
            time[i] = random.nextLong(SPAN_MS);
        }
        for (int j = 0; j < triggers; j++, i++) {
            kind[i] = TRIGGER;
            path[i] = j;
            time[i] = random.nextLong(SPAN_MS);
        }
        // sort by time: pack (time, original index) into one long; time < 2^21 ms, index < 2^31
        final long[] order = new long[count];
        for (int k = 0; k < count; k++) {
            order[k] = (time[k] << 31) | k;
        }
        Arrays.sort(order);
        final byte[] sk = new byte[count];
        final int[] sp = new int[count];
        final long[] st = new long[count];
        for (int k = 0; k < count; k++) {
            final int from = (int) (order[k] & 0x7fffffffL);
            sk[k] = kind[from];
            sp[k] = path[from];
            st[k] = startMs + time[from];
        }
        final int sparsePaths = sparse ? (count + 1) / 2 : 0;
        if (sparse) {
            // every kind on one pool: generation index g names path g % pool, so each path gets two events at
            // independent random times (the kind's own path choice is ignored)
            for (int k = 0; k < count; k++) {
                sp[k] = (int) (order[k] & 0x7fffffffL) % sparsePaths;
            }
        }
        final EventMix mix =
                new EventMix(count, startMs, runTag, sk, sp, st, singlePaths, burstPaths, pathRoot, sparsePaths);
        mix.counts.put("single_failed_auth", singles);
        mix.counts.put("brute_force_burst", bursts);
        mix.counts.put("rate_limit", rateLimits);
        mix.counts.put("noise", noise);
        mix.counts.put("trigger", triggers);
        return mix;
    }

    public int count() {
        return count;
    }

    public long startMs() {
        return startMs;
    }

    /** Events per kind. */
    public Map<String, Integer> counts() {
        return counts;
    }

    /** Distinct secret paths the events name. */
    public int distinctPaths() {
        if (sparsePaths > 0) {
            return sparsePaths;
        }
        return singlePaths + burstPaths + Math.min(RATE_LIMIT_PATHS, counts.get("rate_limit")) + counts.get("trigger");
    }

    /** Whether this is the sparse layout of {@link #sparse}. */
    public boolean isSparse() {
        return sparsePaths > 0;
    }

    /**
     * The paths of the direct triggers ({@code leaked_credential} critical, {@code api_key_exposed} high): each must
     * get a rotation command, whatever the windows decide. Empty in the sparse layout (its triggers share paths).
     */
    public List<String> triggerPaths() {
        final List<String> out = new ArrayList<>();
        if (sparsePaths == 0) {
            for (int j = 0; j < counts.get("trigger"); j++) {
                out.add(pathRoot + "/leaked/t" + j);
            }
        }
        return out;
    }

    /**
     * The brute-force burst paths: each takes {@value #BURST_FAILURES} failed logins within {@link #BURST_MS}, so each
     * must get a command under any failed-auth rule of at most that many within at least that long. Empty in the sparse
     * layout.
     */
    public List<String> burstPathNames() {
        final List<String> out = new ArrayList<>();
        if (sparsePaths == 0 && counts.get("brute_force_burst") > 0) {
            for (int p = 0; p < burstPaths; p++) {
                out.add(pathRoot + "/admin/a" + p);
            }
        }
        return out;
    }

    /** Failed logins each burst path takes within {@link #BURST_MS} ({@value #BURST_FAILURES} unless N is tiny). */
    public int burstFailuresPerPath() {
        return counts.get("brute_force_burst") / burstPaths;
    }

    /** The secret path the i-th event names. */
    public String path(final int i) {
        final int p = paths[i];
        if (sparsePaths > 0) {
            return pathRoot + "/sparse/s" + p;
        }
        return switch (kinds[i]) {
            case SINGLE, NOISE -> pathRoot + "/users/u" + p;
            case BURST -> pathRoot + "/admin/a" + p;
            case RATE_LIMIT -> pathRoot + "/api/k" + p;
            default -> pathRoot + "/leaked/t" + p;
        };
    }

    public int singlePaths() {
        return singlePaths;
    }

    public int burstPaths() {
        return burstPaths;
    }

    /** The event time of the i-th event (its record timestamp). */
    public long time(final int i) {
        return times[i];
    }

    /** The i-th event as UTF-8 JSON (~200 bytes). */
    public byte[] json(final int i) {
        return json(i, times[i]);
    }

    /** The i-th event stamped with {@code timeMs} instead of its own time (for a live, paced stream). */
    public byte[] json(final int i, final long timeMs) {
        final StringBuilder b = new StringBuilder(240);
        b.append("{\"event_id\":\"").append(runTag).append('-').append(i).append("\",\"event_type\":\"");
        switch (kinds[i]) {
            case SINGLE -> b.append("failed_auth_spike\",\"threat_level\":\"medium\",\"description\":\"failed login\"");
            case BURST ->
                b.append("failed_auth_spike\",\"threat_level\":\"medium\",\"description\":\"failed login burst\"");
            case RATE_LIMIT ->
                b.append("rate_limit_exceeded\",\"threat_level\":\"low\",\"description\":\"rate limit\"");
            case NOISE ->
                b.append(
                                (i & 1) == 0
                                        ? "suspicious_access\",\"threat_level\":\"low\""
                                        : "anomalous_behavior\",\"threat_level\":\"medium\"")
                        .append(",\"description\":\"noise\"");
            default ->
                b.append(
                                (i & 1) == 0
                                        ? "leaked_credential\",\"threat_level\":\"critical\""
                                        : "api_key_exposed\",\"threat_level\":\"high\"")
                        .append(",\"description\":\"key in a paste\"");
        }
        b.append(",\"affected_resources\":[\"").append(path(i));
        b.append("\"],\"source_ip\":\"203.0.113.")
                .append(i & 127)
                .append("\",\"timestamp\":\"")
                .append(Instant.ofEpochMilli(timeMs))
                .append('"');
        switch (kinds[i]) {
            case SINGLE, BURST -> b.append(",\"metadata\":{\"failed_count\":1}");
            case RATE_LIMIT -> b.append(",\"metadata\":{\"violation_count\":1}");
            default -> {}
        }
        return b.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
}
