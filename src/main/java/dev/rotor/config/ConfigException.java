package dev.rotor.config;

/**
 * A setting that cannot be used. The message is one line that starts with the setting's name, so an operator can fix it
 * without reading a stack trace; it never contains a secret value. It is a Kafka {@code ConfigException}, so the
 * validators of {@link Setting#definition()} throw it as Kafka's {@code ConfigDef.Validator} contract asks.
 */
public final class ConfigException extends org.apache.kafka.common.config.ConfigException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(final String key, final String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
