package dev.rotor.devvault;

/**
 * The logical operation of a request, from its HTTP method. {@code POST} and {@code PUT} are both {@link #WRITE};
 * whether a write needs the {@code create} or the {@code update} capability is decided by the engine's existence check
 * ({@link Engine#writeCreates(String)}).
 */
enum Operation {
    READ,
    WRITE,
    DELETE,
    LIST,
    PATCH,
    HEAD;

    /** The Vault CLI verb used in KV's "invalid path" warning. */
    String kvCliVerb() {
        return switch (this) {
            case WRITE -> "put";
            case PATCH -> "patch";
            case LIST -> "list";
            case DELETE -> "delete";
            default -> "get";
        };
    }
}
