package dev.rotor.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rotor.config.SecretValue;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * An incoming webhook in Slack's shape: {@code POST {"text": message}}, one per notification. The message is rotor's
 * notification text as published on the topic (already redacted there), with {@code &}, {@code <} and {@code >} escaped
 * as Slack asks, so a sender's description cannot turn into {@code <!channel>} or a disguised link. Slack offers no
 * idempotency key: a redelivery is recognised by the delivery's dedup record instead ({@link AlertRouter}).
 */
final class SlackSink implements Sink {
    /** Slack cuts messages beyond 40,000 characters; rotor cuts first and says so. */
    static final int MAX_TEXT = 39_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Channel channel;
    private final SecretValue webhook;
    private final HttpDelivery http;

    SlackSink(final Channel channel, final SecretValue webhook, final HttpDelivery http) {
        this.channel = channel;
        this.webhook = webhook;
        this.http = http;
    }

    @Override
    public SinkKind kind() {
        return SinkKind.SLACK;
    }

    @Override
    public HttpDelivery.Result deliver(final Alert alert) {
        return http.post(SinkKind.SLACK, channel, uri(), body(alert));
    }

    static byte[] body(final Alert alert) {
        String text = escape(alert.message());
        if (text.length() > MAX_TEXT) {
            text = text.substring(0, MAX_TEXT) + "\n… (cut; the whole notification is on "
                    + alert.channel().id() + ")";
        }
        final ObjectNode body = JSON.createObjectNode().put("text", text);
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Slack's three control characters; nothing else may be encoded (slack.com/formatting). */
    static String escape(final String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private URI uri() {
        try {
            return URI.create(webhook.reveal());
        } catch (final IllegalArgumentException e) {
            // checked at start-up; the parser's message would quote the URL
            throw new IllegalStateException("the Slack webhook URL of " + channel.id() + " is not a URL");
        }
    }
}
