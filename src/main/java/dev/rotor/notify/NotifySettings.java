package dev.rotor.notify;

import dev.rotor.config.ConfigException;
import dev.rotor.config.RotorConfig;
import dev.rotor.config.SecretValue;
import dev.rotor.config.Setting;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How notifications are delivered beyond Kafka (README "Notification sinks"). Off by default: no sink on any channel.
 *
 * <ol>
 *   <li>Per channel, {@code rotor.notify.<channel>.sinks} names the sinks: {@code slack} on either channel,
 *       {@code pagerduty} on {@code security-critical} only (success notifications resolve its incidents; they never
 *       page).
 *   <li>Credentials come from the environment only, like {@code VAULT_TOKEN}: {@value #SLACK_WEBHOOK_SUFFIX} and
 *       {@value #PAGERDUTY_ROUTING_KEY_SUFFIX} after the channel's prefix
 *       ({@code ROTOR_NOTIFY_SECURITY_CRITICAL_PAGERDUTY_ROUTING_KEY}). A webhook URL carries its own token, so it is a
 *       credential too. Both are held as {@link SecretValue} and never appear in a message, a log line or a topic; a
 *       problem with one names the variable, never its value.
 *   <li>Credentials travel over https only; plain http is accepted for a loopback host (tests, a local relay).
 * </ol>
 */
public record NotifySettings(
        Map<Channel, Set<SinkKind>> sinks,
        Map<Channel, SecretValue> slackWebhooks,
        Optional<SecretValue> pagerDutyRoutingKey,
        URI pagerDutyUrl,
        String pagerDutySource,
        Duration timeout,
        int maxAttempts,
        Duration backoff,
        int dedupWindow,
        String groupId) {
    static final String SLACK_WEBHOOK_SUFFIX = "SLACK_WEBHOOK_URL";
    static final String PAGERDUTY_ROUTING_KEY_SUFFIX = "PAGERDUTY_ROUTING_KEY";

    public NotifySettings {
        sinks = Collections.unmodifiableMap(new EnumMap<>(sinks));
        slackWebhooks = Collections.unmodifiableMap(
                slackWebhooks.isEmpty() ? new EnumMap<>(Channel.class) : new EnumMap<>(slackWebhooks));
    }

    /** Reads the {@code rotor.notify.*} settings of {@code config} and the credentials from {@code env}. */
    public static NotifySettings from(final RotorConfig config, final Map<String, String> env) {
        final Map<Channel, Set<SinkKind>> sinks = new EnumMap<>(Channel.class);
        sinks.put(Channel.ALERTS, sinkList(config, Setting.NOTIFY_ALERTS_SINKS));
        sinks.put(Channel.CRITICAL, sinkList(config, Setting.NOTIFY_CRITICAL_SINKS));
        if (sinks.get(Channel.ALERTS).contains(SinkKind.PAGERDUTY)) {
            throw new ConfigException(
                    Setting.NOTIFY_ALERTS_SINKS.key(),
                    "pagerduty belongs on security-critical:"
                            + " success notifications resolve its incidents and never page (slack is allowed here)");
        }
        final Map<Channel, SecretValue> webhooks = new EnumMap<>(Channel.class);
        for (final Channel c : Channel.values()) {
            if (sinks.get(c).contains(SinkKind.SLACK)) {
                final String name = c.envPrefix() + SLACK_WEBHOOK_SUFFIX;
                final SecretValue url = credential(env, name, c, SinkKind.SLACK);
                checkUrl(url.reveal(), name);
                webhooks.put(c, url);
            }
        }
        final Optional<SecretValue> routingKey = sinks.get(Channel.CRITICAL).contains(SinkKind.PAGERDUTY)
                ? Optional.of(credential(
                        env,
                        Channel.CRITICAL.envPrefix() + PAGERDUTY_ROUTING_KEY_SUFFIX,
                        Channel.CRITICAL,
                        SinkKind.PAGERDUTY))
                : Optional.empty();
        final String pdUrl = config.get(Setting.NOTIFY_PAGERDUTY_URL).trim();
        checkUrl(pdUrl, Setting.NOTIFY_PAGERDUTY_URL.key());
        return new NotifySettings(
                sinks,
                webhooks,
                routingKey,
                URI.create(pdUrl),
                config.text(Setting.NOTIFY_PAGERDUTY_SOURCE),
                config.duration(Setting.NOTIFY_TIMEOUT),
                (int) config.number(Setting.NOTIFY_MAX_ATTEMPTS),
                config.duration(Setting.NOTIFY_BACKOFF),
                (int) config.number(Setting.NOTIFY_DEDUP_WINDOW),
                config.text(Setting.NOTIFY_GROUP_ID));
    }

    /** Whether any channel has a sink; when not, nothing is started. */
    public boolean enabled() {
        return sinks.values().stream().anyMatch(s -> !s.isEmpty());
    }

    /** The sinks of {@code channel} (possibly none). */
    public Set<SinkKind> sinksOf(final Channel channel) {
        return sinks.getOrDefault(channel, Set.of());
    }

    /** PagerDuty is configured (on security-critical): success notifications are read to resolve its incidents. */
    public boolean pagerDuty() {
        return pagerDutyRoutingKey.isPresent();
    }

    @Override
    public String toString() {
        return "NotifySettings[sinks=" + sinks + ", pagerDutyUrl=" + pagerDutyUrl + ", timeout=" + timeout
                + ", maxAttempts=" + maxAttempts + ", backoff=" + backoff + ", dedupWindow=" + dedupWindow
                + ", groupId=" + groupId + "]"; // never the credentials, even though SecretValue hides them
    }

    private static Set<SinkKind> sinkList(final RotorConfig config, final Setting setting) {
        final Set<SinkKind> out = EnumSet.noneOf(SinkKind.class);
        for (final String raw : config.get(setting).split(",", -1)) {
            final String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty() || name.equals("none")) {
                continue;
            }
            out.add(Arrays.stream(SinkKind.values())
                    .filter(k -> k.id().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new ConfigException(
                            setting.key(), "unknown sink '" + raw.trim() + "' (slack, pagerduty, or empty for none)")));
        }
        return out;
    }

    private static SecretValue credential(
            final Map<String, String> env, final String name, final Channel channel, final SinkKind kind) {
        final String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new ConfigException(
                    name,
                    "required in the environment when rotor.notify." + channel.id() + ".sinks names " + kind.id()
                            + " (credentials are read from the environment only)");
        }
        return SecretValue.of(value.trim());
    }

    /** An absolute https URL with a host, or http to a loopback host; the message never quotes the value. */
    private static void checkUrl(final String value, final String name) {
        final URI uri;
        try {
            uri = new URI(value);
        } catch (final URISyntaxException e) {
            throw new ConfigException(name, "is not a URL");
        }
        final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || uri.getUserInfo() != null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigException(name, "must be an https:// URL with a host and without user info");
        }
        if (scheme.equals("http") && !loopback(uri.getHost())) {
            throw new ConfigException(
                    name,
                    "must be https:// (plain http is accepted for a loopback host only):"
                            + " a credential sent in clear text is a leaked credential");
        }
    }

    private static boolean loopback(final String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!host.matches("[0-9.]+|\\[[0-9a-fA-F:]+]")) {
            return false; // a name other than localhost is never resolved here
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (final UnknownHostException e) {
            return false;
        }
    }
}
