package dev.rotor.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The adapter input topics ({@code rotor.adapters.<format>.topics}): which topics carry which foreign format, and the
 * dead-letter topic of each.
 *
 * <p>A setting's value is a comma-separated list of topics; an entry {@code topic=dlq} names the topic's DLQ, a bare
 * {@code topic} gets {@code <topic>-dlq}. Empty (the default) reads nothing. A topic may appear once across all formats
 * and must not be one of rotor's own topics.
 */
public final class AdapterSources {
    static final String DLQ_SUFFIX = "-dlq";

    /** One adapter input: a topic of one format and where its unreadable records go. */
    public record Source(SourceFormat format, String topic, String deadLetterTopic) {}

    /** The setting that lists each format's topics. */
    public static final Map<SourceFormat, Setting> SETTINGS = Map.of(
            SourceFormat.OCSF, Setting.ADAPTERS_OCSF_TOPICS,
            SourceFormat.VAULT_AUDIT, Setting.ADAPTERS_VAULT_AUDIT_TOPICS,
            SourceFormat.GITHUB, Setting.ADAPTERS_GITHUB_TOPICS,
            SourceFormat.AWS, Setting.ADAPTERS_AWS_TOPICS,
            SourceFormat.ECS, Setting.ADAPTERS_ECS_TOPICS);

    private final List<Source> sources;
    private final boolean auditNotRelevant;

    private AdapterSources(final List<Source> sources, final boolean auditNotRelevant) {
        this.sources = List.copyOf(sources);
        this.auditNotRelevant = auditNotRelevant;
    }

    /** Every configured source, in format order then as listed. */
    public List<Source> sources() {
        return sources;
    }

    /** Whether each adapted record that is no security event gets a NOT_RELEVANT audit record (else only a count). */
    public boolean auditNotRelevant() {
        return auditNotRelevant;
    }

    static AdapterSources parse(
            final Function<Setting, String> settings,
            final RotorConfig.TopicNames own,
            final boolean auditNotRelevant) {
        final Set<String> reserved = Set.of(
                own.securityEvents(),
                own.rotationCommands(),
                own.rotationResults(),
                own.securityAlerts(),
                own.securityCritical(),
                own.rotationAudit(),
                own.securityEventsDlq(),
                own.rotationCommandsDlq());
        final List<Source> out = new ArrayList<>();
        final Set<String> inputs = new HashSet<>();
        for (final SourceFormat format : SourceFormat.values()) {
            final Setting setting = SETTINGS.get(format);
            for (final String raw : settings.apply(setting).split(",", -1)) {
                final String entry = raw.strip();
                if (entry.isEmpty()) {
                    continue;
                }
                final int eq = entry.indexOf('=');
                final String topic = (eq < 0 ? entry : entry.substring(0, eq)).strip();
                final String dlq =
                        eq < 0 ? topic + DLQ_SUFFIX : entry.substring(eq + 1).strip();
                for (final String name : List.of(topic, dlq)) {
                    final String problem = SettingType.topicNameProblem(name);
                    if (problem != null) {
                        throw new ConfigException(setting.key(), problem);
                    }
                    if (reserved.contains(name)) {
                        throw new ConfigException(setting.key(), "'" + name + "' is one of rotor's own topics");
                    }
                }
                if (topic.equals(dlq)) {
                    throw new ConfigException(setting.key(), "'" + topic + "' cannot be its own dead-letter topic");
                }
                if (!inputs.add(topic)) {
                    throw new ConfigException(
                            setting.key(),
                            "'" + topic + "' is listed more than once (a topic carries " + "one format)");
                }
                out.add(new Source(format, topic, dlq));
            }
        }
        for (final Source s : out) {
            if (inputs.contains(s.deadLetterTopic())) {
                throw new ConfigException(
                        SETTINGS.get(s.format()).key(),
                        "dead-letter topic '" + s.deadLetterTopic() + "' is also an input topic");
            }
        }
        return new AdapterSources(out, auditNotRelevant);
    }
}
