package dev.rotor.config;

import java.util.List;
import java.util.Optional;

/**
 * The foreign input formats rotor reads through its adapters, each with the principal attributes its adapter reports.
 * The attribute names are the vocabulary of the {@code principals:} section of {@code rotation-targets.yaml}; a mapping
 * that names another attribute is refused when the file is loaded.
 */
public enum SourceFormat {
    /**
     * Open Cybersecurity Schema Framework events: Authentication (3002), Detection Finding (2004), Security Finding
     * (2001).
     */
    OCSF(
            "ocsf",
            List.of(
                    "user.name",
                    "user.uid",
                    "user.domain",
                    "user.email_addr",
                    "resource.name",
                    "resource.uid",
                    "resource.type")),
    /** HashiCorp Vault's file audit device, one JSON line per record. */
    VAULT_AUDIT("vault-audit", List.of("display_name", "entity_id", "login_path", "mount", "user")),
    /** GitHub {@code secret_scanning_alert} (and {@code secret_scanning_alert_location}) webhook deliveries. */
    GITHUB("github", List.of("repository", "owner", "organization", "secret_type")),
    /**
     * CloudTrail events and log files, GuardDuty findings (as EventBridge sends them or as {@code get-findings} returns
     * them), Security Hub findings (ASFF), AWS Health events; bare or in an EventBridge envelope.
     */
    AWS(
            "aws",
            List.of(
                    "access_key_id",
                    "user_name",
                    "user_arn",
                    "principal_id",
                    "account_id",
                    "user_type",
                    "db_instance",
                    "db_user")),
    /** Elastic Common Schema documents (Beats, Elastic Agent, ECS loggers), nested or with dotted keys. */
    ECS("ecs", List.of("user.name", "user.id", "user.domain", "user.email", "host.name", "event.dataset"));

    private final String id;

    @SuppressWarnings("ImmutableEnumChecker") // always a List.of(...), which is unmodifiable
    private final List<String> attributes;

    SourceFormat(final String id, final List<String> attributes) {
        this.id = id;
        this.attributes = attributes;
    }

    /** The name used in settings, the mapping file, audit records and event metadata. */
    public String id() {
        return id;
    }

    /** The principal attributes the adapter reports, in the order a principal is printed. */
    public List<String> attributes() {
        return attributes;
    }

    public static Optional<SourceFormat> byId(final String id) {
        for (final SourceFormat f : values()) {
            if (f.id.equals(id)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return id;
    }
}
