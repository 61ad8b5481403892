package dev.rotor.adapters;

import dev.rotor.avro.SecurityEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What an adapter made of one input record.
 *
 * @param events normalised security events naming the secrets their principals map to (never empty paths)
 * @param unmapped events whose principal maps to no secret: audited UNMAPPED, never rotated
 * @param notRelevant parts of the record that are no security event (a successful login, a Vault request entry, a
 *     resolved alert): audited NOT_RELEVANT or only counted, never dead-lettered
 */
public record Adaptation(List<SecurityEvent> events, List<Unmapped> unmapped, List<NotRelevant> notRelevant) {

    /** An event whose principal ({@code k=v, k=v}) maps to no secret; the event names no secret. */
    public record Unmapped(SecurityEvent event, String principal) {}

    /**
     * A record (or one record of a batch) that is no security event.
     *
     * @param eventId the source's own id when it has one, else null
     * @param eventTime the source's time when it could be read, else null
     * @param reason one line, naming fields and their meaning
     */
    public record NotRelevant(String eventId, Instant eventTime, String reason) {}

    public Adaptation {
        events = List.copyOf(events);
        unmapped = List.copyOf(unmapped);
        notRelevant = List.copyOf(notRelevant);
    }

    public static Adaptation of(final SecurityEvent event) {
        return new Adaptation(List.of(event), List.of(), List.of());
    }

    public static Adaptation notRelevant(final String eventId, final Instant eventTime, final String reason) {
        return new Adaptation(List.of(), List.of(), List.of(new NotRelevant(eventId, eventTime, reason)));
    }

    /** This and {@code other}, in that order. */
    public Adaptation plus(final Adaptation other) {
        final List<SecurityEvent> e = new ArrayList<>(events);
        e.addAll(other.events);
        final List<Unmapped> u = new ArrayList<>(unmapped);
        u.addAll(other.unmapped);
        final List<NotRelevant> n = new ArrayList<>(notRelevant);
        n.addAll(other.notRelevant);
        return new Adaptation(e, u, n);
    }
}
