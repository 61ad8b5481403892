package dev.rotor.notify;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides what each notification read from a channel means for the sinks, and remembers enough to deliver it once and
 * to resolve PagerDuty incidents.
 *
 * <ol>
 *   <li><b>Delivery</b>: a new notification goes to every sink of its channel, one after the other; each sink retries
 *       within its bounds ({@link HttpDelivery}). A sink that gives up does not stop the others.
 *   <li><b>Redeliveries</b>: per partition, the dedup keys of the last {@code dedupWindow} notifications handled are
 *       kept; a notification whose key is among them (the same command's notification published or read again) is
 *       counted as {@code duplicate} for each sink and not sent. Notifications of one secret share a partition, so the
 *       record is complete for them. It is rebuilt at start from the notifications before the committed offset
 *       ({@link #remember}), so a restart or a partition moving to another instance does not re-send them.
 *   <li><b>Resolve matching</b> (PagerDuty configured): a critical notification leaves its dedup key open under its
 *       secret path (the {@value #MAX_OPEN_PER_SECRET} newest per secret). A success notification of the same secret
 *       path, created after it, resolves every open key of that path (a retry, a manual trigger or the next rotation
 *       succeeded: the secret is rotated now). A critical notification created no later than the last success read for
 *       its secret (the two topics are read independently, so it can be read after that success) is triggered and
 *       resolved at once: the incident says what happened and that it is settled. Notifications without a secret path
 *       (none of rotor's rotation notifications) are never resolved automatically; neither is the Vault authentication
 *       alert.
 *   <li><b>Limits</b>: everything is in memory and bounded ({@value #MAX_TRACKED_SECRETS} secrets with open keys or
 *       successes, least recently used forgotten first). An incident older than the re-read window when rotor restarts
 *       is no longer known, so it stays open until a person resolves it.
 * </ol>
 *
 * Not thread-safe: called from the delivery thread only.
 */
final class AlertRouter {
    static final int MAX_TRACKED_SECRETS = 10_000;
    static final int MAX_OPEN_PER_SECRET = 10;
    private static final Logger LOG = LoggerFactory.getLogger(AlertRouter.class);

    private final Map<Channel, List<Sink>> sinks;
    private final PagerDutySink pagerDuty;
    private final int dedupWindow;
    private final DeliveryMetrics metrics;
    private final Map<TopicPartition, Set<String>> handled = new HashMap<>();
    private final Map<String, LinkedHashSet<String>> open = bounded(MAX_TRACKED_SECRETS, true);
    private final Map<String, Instant> lastSuccess = bounded(MAX_TRACKED_SECRETS, true);

    /**
     * @param sinks the sinks of each channel, in delivery order
     * @param pagerDuty the PagerDuty sink when one is configured (it is also among the critical channel's sinks), else
     *     null
     */
    AlertRouter(
            final Map<Channel, List<Sink>> sinks,
            final PagerDutySink pagerDuty,
            final int dedupWindow,
            final DeliveryMetrics metrics) {
        this.sinks = Map.copyOf(sinks);
        this.pagerDuty = pagerDuty;
        this.dedupWindow = dedupWindow;
        this.metrics = metrics;
    }

    /**
     * Handles a notification read for the first time (at or after the committed offset).
     *
     * @return false when stopping interrupted the delivery: the caller must not commit the record
     */
    boolean handle(final TopicPartition partition, final Alert alert) {
        final Set<String> seen = seen(partition);
        final List<Sink> targets = sinks.getOrDefault(alert.channel(), List.of());
        if (seen.contains(alert.dedupKey())) {
            targets.forEach(s -> metrics.record(s.kind().id(), DeliveryMetrics.DUPLICATE));
            LOG.info(
                    "{} notification {} was already delivered; not sent again",
                    alert.channel().id(),
                    alert.dedupKey());
            return true;
        }
        for (final Sink sink : targets) {
            if (sink.deliver(alert).aborted()) {
                return false;
            }
        }
        if (!track(alert, true)) {
            return false;
        }
        seen.add(alert.dedupKey());
        return true;
    }

    /** A notification before the committed offset, read again at start: handled before, so only state is rebuilt. */
    void remember(final TopicPartition partition, final Alert alert) {
        seen(partition).add(alert.dedupKey());
        track(alert, false);
    }

    /** Partitions this instance no longer reads: their dedup record goes with them. */
    void forget(final Collection<TopicPartition> partitions) {
        partitions.forEach(handled::remove);
    }

    /** The open PagerDuty keys of {@code secretPath} (tests). */
    Set<String> openKeys(final String secretPath) {
        return Set.copyOf(open.getOrDefault(secretPath, new LinkedHashSet<>()));
    }

    /** Updates the open incidents and, when {@code live}, sends the resolves; false when stopping interrupted it. */
    private boolean track(final Alert alert, final boolean live) {
        if (pagerDuty == null || alert.secretPath().isEmpty()) {
            return true;
        }
        final String path = alert.secretPath().get();
        if (alert.channel() == Channel.CRITICAL) {
            final Instant success = lastSuccess.get(path);
            if (success != null && !alert.createdAt().isAfter(success)) {
                return !live || !resolve(alert.dedupKey(), path).aborted();
            }
            final LinkedHashSet<String> keys = open.computeIfAbsent(path, p -> new LinkedHashSet<>());
            keys.add(alert.dedupKey());
            while (keys.size() > MAX_OPEN_PER_SECRET) {
                keys.remove(keys.iterator().next());
            }
            return true;
        }
        lastSuccess.merge(path, alert.createdAt(), (a, b) -> a.isAfter(b) ? a : b);
        final LinkedHashSet<String> keys = open.remove(path);
        if (!live || keys == null) {
            return true;
        }
        for (final String key : keys) {
            if (resolve(key, path).aborted()) {
                return false;
            }
        }
        return true;
    }

    private HttpDelivery.Result resolve(final String key, final String path) {
        final HttpDelivery.Result r = pagerDuty.resolve(key);
        if (r.outcome() == HttpDelivery.Outcome.DELIVERED) {
            LOG.info("pagerduty: resolved {} ({} was rotated since)", key, path);
        }
        return r;
    }

    private Set<String> seen(final TopicPartition partition) {
        return handled.computeIfAbsent(partition, p -> Collections.newSetFromMap(bounded(dedupWindow, false)));
    }

    /** A map that forgets its eldest entry beyond {@code max}: least recently inserted, or used with access order. */
    private static <K, V> Map<K, V> bounded(final int max, final boolean accessOrder) {
        return new LinkedHashMap<>(16, 0.75f, accessOrder) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<K, V> eldest) {
                return size() > max;
            }
        };
    }
}
