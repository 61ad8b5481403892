package dev.rotor.adapters;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.PrincipalMappings;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.Hashing;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Elastic Common Schema (ECS) documents as Beats, Elastic Agent and ECS loggers write them: one JSON document per
 * record, keys nested or dotted ({@link EcsDocument}), an Elasticsearch search hit ({@code _source}) unwrapped.
 *
 * <ol>
 *   <li>An authentication event ({@code event.category}, a string or an array, holding {@code authentication}) whose
 *       {@code event.outcome} is {@code failure} is a {@code failed_auth_spike}, medium, weight 1, for the secret the
 *       principal maps to. Without {@code event.outcome}, an {@code event.type} holding {@code authentication_failure}
 *       (what Filebeat's system module wrote before ECS had an outcome) is a failure too.
 *   <li>Not relevant: other categories; {@code event.kind} other than {@code event} (an alert or signal is judged by
 *       the events it is about, a metric or state is no attempt); outcomes {@code success} and {@code unknown}, or
 *       none; a failed logoff ({@code event.type} {@code end}).
 *   <li>Principal: {@code user.name}, {@code user.id}, {@code user.domain}, {@code user.email}, {@code host.name} (else
 *       {@code host.hostname}) and {@code event.dataset}, so one mapping can tell an Okta user from a Windows one.
 *       Source IP {@code source.ip}, else {@code client.ip}. Time {@code @timestamp}: ISO-8601 as Beats write it, or an
 *       epoch number ({@link EventTimes#epoch}).
 *   <li>Event id: {@code event.id}, else the Elasticsearch {@code _id}; else a hash of the whole document, so a
 *       replayed record dedupes while two failures in the same second (sshd logs whole seconds) stay two.
 *   <li>JSON with neither {@code @timestamp}, {@code ecs.version} nor any {@code event} field is not ECS (DLQ). The
 *       {@code message} and {@code event.original} texts are never copied: they may hold what a user typed.
 * </ol>
 */
final class EcsAdapter implements SourceAdapter {
    static final String AUTHENTICATION = "authentication";
    /** The legacy {@code event.type} of Filebeat's system module for a failed login. */
    static final String AUTHENTICATION_FAILURE = "authentication_failure";

    private final PrincipalMappings mappings;

    EcsAdapter(final PrincipalMappings mappings) {
        this.mappings = mappings;
    }

    @Override
    public SourceFormat format() {
        return SourceFormat.ECS;
    }

    @Override
    public Adaptation adapt(final JsonNode record, final long recordTimestamp) {
        final EcsDocument doc = EcsDocument.of(record);
        if (!doc.root().has("@timestamp") && !doc.has("ecs.version") && !doc.has("event")) {
            throw new InvalidEventException(
                    Code.UNKNOWN_PAYLOAD, "neither @timestamp, ecs.version nor event fields: " + "not an ECS document");
        }
        final String eventId = doc.text("event.id");
        final String id = eventId != null ? eventId : doc.documentId();
        try {
            final List<String> categories = doc.keywords("event.category");
            if (!contains(categories, AUTHENTICATION)) {
                return Adaptation.notRelevant(
                        id, timeOrNull(doc), "ECS event.category " + shown(categories) + " is not authentication");
            }
            final String kind = doc.text("event.kind");
            if (kind != null && !kind.equalsIgnoreCase("event")) {
                return Adaptation.notRelevant(
                        id,
                        timeOrNull(doc),
                        "ECS event.kind " + JsonFields.printable(kind, 40)
                                + " is not event: only attempts are counted, alerts are judged by the events they "
                                + "are about");
            }
            final List<String> types = doc.keywords("event.type");
            final String outcome = doc.text("event.outcome");
            final boolean failure =
                    outcome == null ? contains(types, AUTHENTICATION_FAILURE) : outcome.equalsIgnoreCase("failure");
            if (!failure) {
                return Adaptation.notRelevant(
                        id,
                        timeOrNull(doc),
                        "ECS authentication "
                                + (outcome == null
                                        ? "without event.outcome"
                                        : "with event.outcome " + JsonFields.printable(outcome, 40))
                                + " is not a failure");
            }
            if (contains(types, "end")) {
                return Adaptation.notRelevant(
                        id, timeOrNull(doc), "a failed ECS logoff (event.type end) is not a " + "failed login");
            }
            return failure(doc, id, time(doc));
        } catch (final InvalidEventException e) {
            throw id == null ? e : e.forEvent(id);
        }
    }

    private Adaptation failure(final EcsDocument doc, final String id, final Instant time) {
        final String user = doc.text("user.name");
        final String host = doc.text("host.name") != null ? doc.text("host.name") : doc.text("host.hostname");
        final String action = doc.text("event.action");
        final Map<String, String> p = new LinkedHashMap<>();
        p.put("user.name", user);
        p.put("user.id", doc.text("user.id"));
        p.put("user.domain", doc.text("user.domain"));
        p.put("user.email", doc.text("user.email"));
        p.put("host.name", host);
        p.put("event.dataset", doc.text("event.dataset"));
        final String who = user != null ? user : p.get("user.id") != null ? p.get("user.id") : "an unnamed user";
        return new Draft(SourceFormat.ECS)
                .id(
                        id != null
                                ? id
                                : "derived-"
                                        + Hashing.id(
                                                SourceFormat.ECS.id(),
                                                doc.root().toString()))
                .at(time)
                .type("failed_auth_spike", ThreatLevel.medium)
                .description("Failed authentication of " + JsonFields.printable(who, 200)
                        + (host == null ? "" : " on " + JsonFields.printable(host, 200))
                        + (action == null ? "" : " (" + JsonFields.printable(action, 80) + ")"))
                .sourceIp(doc.text("source.ip") != null ? doc.text("source.ip") : doc.text("client.ip"))
                .meta("ecs_version", doc.text("ecs.version"))
                .meta("event_dataset", p.get("event.dataset"))
                .meta("event_action", action)
                .meta("event_code", doc.text("event.code"))
                .principal(p)
                .resolve(mappings);
    }

    private static boolean contains(final List<String> values, final String wanted) {
        return values.stream().anyMatch(v -> v.strip().equalsIgnoreCase(wanted));
    }

    private static String shown(final List<String> values) {
        return values.isEmpty() ? "(none)" : JsonFields.printable(String.join(", ", values), 120);
    }

    /** {@code @timestamp}: ISO-8601, or an epoch number (Elasticsearch accepts both for a date). */
    static Instant time(final EcsDocument doc) {
        final JsonNode t = doc.root().get("@timestamp");
        if (t == null || t.isNull()) {
            throw new InvalidEventException(Code.MISSING_FIELD, "@timestamp is missing");
        }
        return t.isNumber() ? EventTimes.epoch(t, "@timestamp") : EventTimes.iso(t, "@timestamp");
    }

    private static Instant timeOrNull(final EcsDocument doc) {
        try {
            return time(doc);
        } catch (final InvalidEventException e) {
            return null;
        }
    }
}
