package dev.rotor.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.config.SecretValue;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * PagerDuty Events API v2 ({@code POST /v2/enqueue}).
 *
 * <ol>
 *   <li>A critical notification is a {@code trigger} whose {@code dedup_key} is the notification's
 *       {@link Alert#dedupKey()} (the command id): PagerDuty folds a second trigger with the same key into the open
 *       incident, so a redelivery never pages twice, even across rotor restarts.
 *   <li>{@link #resolve} sends {@code resolve} for a key; {@link AlertRouter} decides when (a later successful rotation
 *       of the same secret). Resolving an unknown or already resolved key is a no-op at PagerDuty.
 *   <li>{@code payload}: summary (the notification's headline and secret, at most 1,024 characters), source
 *       ({@code rotor.notify.pagerduty.source}), severity {@code critical} ({@code error} for other priorities),
 *       timestamp, component (the secret path), group {@code rotor}, class {@code credential-rotation}, and
 *       {@code custom_details}: the notification's metadata and its message (cut at {@value #MAX_MESSAGE} characters;
 *       PagerDuty refuses events over 512 KB).
 * </ol>
 */
final class PagerDutySink implements Sink {
    static final int MAX_SUMMARY = 1024;
    static final int MAX_MESSAGE = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretValue routingKey;
    private final URI url;
    private final String source;
    private final HttpDelivery http;

    PagerDutySink(final SecretValue routingKey, final URI url, final String source, final HttpDelivery http) {
        this.routingKey = routingKey;
        this.url = url;
        this.source = source;
        this.http = http;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.PAGERDUTY;
    }

    /** Triggers (or, for a key already open at PagerDuty, re-triggers without a new page) the alert's incident. */
    @Override
    public HttpDelivery.Result deliver(final Alert alert) {
        return http.post(SinkKind.PAGERDUTY, alert.channel(), url, bytes(trigger(routingKey.reveal(), source, alert)));
    }

    /** Resolves the incident of {@code dedupKey}. */
    HttpDelivery.Result resolve(final String dedupKey) {
        return http.post(SinkKind.PAGERDUTY, Channel.CRITICAL, url, bytes(resolve(routingKey.reveal(), dedupKey)));
    }

    static ObjectNode trigger(final String routingKey, final String source, final Alert alert) {
        final ObjectNode event = JSON.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", "trigger");
        event.put("dedup_key", alert.dedupKey());
        event.put("client", "rotor");
        final ObjectNode payload = event.putObject("payload");
        final String summary =
                alert.headline() + alert.secretPath().map(p -> ": " + p).orElse("");
        payload.put("summary", summary.length() > MAX_SUMMARY ? summary.substring(0, MAX_SUMMARY - 1) + "…" : summary);
        payload.put("source", source);
        payload.put("severity", "critical".equals(alert.priority().toLowerCase(Locale.ROOT)) ? "critical" : "error");
        payload.put("timestamp", alert.createdAt().toString());
        alert.secretPath().ifPresent(p -> payload.put("component", p));
        payload.put("group", "rotor");
        payload.put("class", "credential-rotation");
        final ObjectNode details = payload.putObject("custom_details");
        alert.metadata().forEach(details::put);
        final String message = alert.message();
        details.put("message", message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message);
        return event;
    }

    static ObjectNode resolve(final String routingKey, final String dedupKey) {
        final ObjectNode event = JSON.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", "resolve");
        event.put("dedup_key", dedupKey);
        return event;
    }

    private static byte[] bytes(final ObjectNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
