package dev.rotor.serde;

/**
 * The registry calls, and the one place that turns a registry's refusal into a {@link RegistryException} with a message
 * a person can act on. Shared by the HTTP client and the mock so both fail alike.
 */
enum RegistryCall {
    REGISTER,
    LOOKUP,
    LATEST,
    SCHEMA_BY_ID;

    /** Confluent's error codes that rotor distinguishes. */
    static final int SUBJECT_NOT_FOUND = 40401;

    static final int VERSION_NOT_FOUND = 40402;
    static final int SCHEMA_NOT_FOUND = 40403;
    static final int INCOMPATIBLE = 409;
    static final int INVALID_SCHEMA = 42201;

    private static final int MAX_REGISTRY_MESSAGE = 1000;

    /** What was asked, for messages: {@code register a schema under subject 'x'}. */
    String describe(final String subject, final int id) {
        return switch (this) {
            case REGISTER -> "register a schema under subject '" + subject + "'";
            case LOOKUP -> "look up a schema under subject '" + subject + "'";
            case LATEST -> "get the latest version of subject '" + subject + "'";
            case SCHEMA_BY_ID -> "get schema id " + id;
        };
    }

    /**
     * The exception for a non-transient refusal.
     *
     * @param registryMessage the registry's {@code message}, may be null
     * @param compatibility the compatibility level in force, for 409 messages; null when unknown
     */
    RegistryException refused(
            final String subject,
            final int id,
            final int status,
            final int errorCode,
            final String registryMessage,
            final String compatibility) {
        final String suffix = registryMessage == null || registryMessage.isBlank() ? "" : ": " + clip(registryMessage);
        final String text;
        if (status == 401 || status == 403) {
            text = "schema registry refused to " + describe(subject, id) + " (HTTP " + status
                    + (status == 401 ? ", not authenticated; check basic.auth.user.info)" : ", not authorized)")
                    + suffix;
        } else if (this == REGISTER && status == 409) {
            text = "schema for subject '" + subject + "' is incompatible with an earlier version"
                    + (compatibility == null ? "" : " (" + compatibility + ")") + suffix;
        } else if (this == REGISTER && (status == 422 || errorCode == INVALID_SCHEMA)) {
            text = "schema registry rejected the schema for subject '" + subject + "' as invalid" + suffix;
        } else if (status == 404 && this == SCHEMA_BY_ID) {
            text = "unknown schema id " + id + suffix;
        } else if (status == 404 && errorCode == SUBJECT_NOT_FOUND) {
            text = "subject '" + subject + "' is not registered" + suffix;
        } else if (status == 404 && this == LOOKUP) {
            text = "schema is not registered under subject '" + subject + "'" + suffix;
        } else if (status == 404 && this == LATEST) {
            text = "subject '" + subject + "' has no registered version" + suffix;
        } else {
            text = "schema registry could not " + describe(subject, id) + " (HTTP " + status
                    + (errorCode == RegistryException.NO_STATUS ? "" : ", error code " + errorCode) + ")" + suffix;
        }
        return new RegistryException(text, status, errorCode);
    }

    /** Whether an HTTP status means "try again later" rather than "no". */
    static boolean isTransient(final int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    private static String clip(final String s) {
        return s.length() <= MAX_REGISTRY_MESSAGE ? s : s.substring(0, MAX_REGISTRY_MESSAGE) + "...";
    }
}
