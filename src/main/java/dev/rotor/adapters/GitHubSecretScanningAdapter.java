package dev.rotor.adapters;

import static dev.rotor.adapters.JsonFields.at;
import static dev.rotor.adapters.JsonFields.meaningful;
import static dev.rotor.adapters.JsonFields.text;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rotor.avro.ThreatLevel;
import dev.rotor.config.PrincipalMappings;
import dev.rotor.config.SourceFormat;
import dev.rotor.events.InvalidEventException;
import dev.rotor.events.InvalidEventException.Code;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * GitHub secret scanning webhook deliveries ({@code secret_scanning_alert}, and {@code secret_scanning_alert_location}
 * which is recognised by its {@code location}), the payload as GitHub posts it.
 *
 * <ol>
 *   <li>{@code created}, {@code reopened}, {@code publicly_leaked}, and {@code validated} with {@code validity}
 *       {@code active}: {@code api_key_exposed}, critical when the secret leaked publicly (the action, or
 *       {@code alert.publicly_leaked}), else high. Either rotates at once.
 *   <li>{@code resolved}, {@code revoked}, {@code validated} as inactive or unknown, {@code assigned},
 *       {@code unassigned}, other actions, and location deliveries (the alert's own delivery is what rotates): no
 *       rotation, audited as not relevant.
 *   <li>Principal: {@code repository} (full name), {@code owner}, {@code organization}, {@code secret_type}. The
 *       payload holds no secret value (and {@code alert.secret}, which the REST API has, is never read).
 *   <li>Time: {@code alert.updated_at}; for {@code created}, {@code alert.created_at}; else (a {@code reopened} payload
 *       may carry neither) the Kafka record's timestamp. Event id: {@code <repository>#<number>/<action>@<time>}, so a
 *       redelivery of the same change dedupes and a later reopening is a new event.
 * </ol>
 */
final class GitHubSecretScanningAdapter implements SourceAdapter {
    private final PrincipalMappings mappings;

    GitHubSecretScanningAdapter(final PrincipalMappings mappings) {
        this.mappings = mappings;
    }

    @Override
    public SourceFormat format() {
        return SourceFormat.GITHUB;
    }

    @Override
    public Adaptation adapt(final JsonNode root, final long recordTimestamp) {
        if (!root.path("alert").isObject() || !root.path("repository").isObject()) {
            throw new InvalidEventException(
                    Code.UNKNOWN_PAYLOAD, "alert or repository is missing: not a secret_scanning_alert delivery");
        }
        final boolean location = root.has("location");
        final String action = location && meaningful(text(root, "action")) == null
                ? "location"
                : JsonFields.requiredText(root, "action");
        final String repository = JsonFields.requiredText(root, "repository.full_name");
        final long number = JsonFields.wholeNumber(root, "alert.number", -1);
        if (number < 0) {
            throw new InvalidEventException(Code.MISSING_FIELD, "alert.number is missing");
        }
        final String secretType = JsonFields.requiredText(root, "alert.secret_type");
        final Instant time = time(root, action, recordTimestamp);
        final String id = "github:" + repository + "#" + number + "/" + action + "@" + time;
        try {
            final String alert = "GitHub secret scanning alert #" + number + " ("
                    + JsonFields.printable(secretType, 100) + ") in " + JsonFields.printable(repository, 140);
            if (location) {
                return Adaptation.notRelevant(
                        id, time, "a new location of " + alert + "; the alert's own deliveries rotate");
            }
            final boolean publicLeak = action.equals("publicly_leaked")
                    || at(root, "alert.publicly_leaked").asBoolean(false);
            final String validity = meaningful(text(root, "alert.validity"));
            final boolean exposes = switch (action) {
                case "created", "reopened", "publicly_leaked" -> true;
                case "validated" -> "active".equals(validity);
                default -> false;
            };
            if (!exposes) {
                final String why = switch (action) {
                    case "resolved", "revoked" ->
                        " was " + action + " (resolution: "
                                + JsonFields.printable(String.valueOf(meaningful(text(root, "alert.resolution"))), 40)
                                + ")";
                    case "validated" -> " was validated as " + validity + ", not active";
                    default -> ": action " + JsonFields.printable(action, 40) + " does not expose the secret";
                };
                return Adaptation.notRelevant(id, time, alert + why);
            }
            final Map<String, String> principal = new LinkedHashMap<>();
            principal.put("repository", repository);
            principal.put("owner", text(root, "repository.owner.login"));
            principal.put("organization", text(root, "organization.login"));
            principal.put("secret_type", secretType);
            return new Draft(SourceFormat.GITHUB)
                    .id(id)
                    .at(time)
                    .type("api_key_exposed", publicLeak ? ThreatLevel.critical : ThreatLevel.high)
                    .description(alert + " " + action.replace('_', ' ')
                            + (publicLeak && !action.equals("publicly_leaked") ? ": publicly leaked" : ""))
                    .meta("repository", repository)
                    .meta("alert_number", Long.toString(number))
                    .meta("alert_type", secretType)
                    .meta("action", action)
                    .meta("alert_url", text(root, "alert.html_url"))
                    .meta("validity", validity)
                    .meta("publicly_leaked", publicLeak ? "true" : null)
                    .principal(principal)
                    .resolve(mappings);
        } catch (final InvalidEventException e) {
            throw e.forEvent(id);
        }
    }

    private static Instant time(final JsonNode root, final String action, final long recordTimestamp) {
        final JsonNode updated = at(root, "alert.updated_at");
        if (updated.isTextual()) {
            return EventTimes.iso(updated, "alert.updated_at");
        }
        final JsonNode created = at(root, "alert.created_at");
        if (action.equals("created") && created.isTextual()) {
            return EventTimes.iso(created, "alert.created_at");
        }
        return Instant.ofEpochMilli(recordTimestamp);
    }
}
