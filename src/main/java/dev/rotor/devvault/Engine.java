package dev.rotor.devvault;

/**
 * One mounted backend (secrets engine, auth method or the system backend). The router has already checked the seal, the
 * token and the ACL when {@link #handle} is called; {@code relPath} is the request path below the mount.
 */
interface Engine {
    /** Vault's {@code mount_type} for responses of this mount ({@code kv}, {@code database}, {@code system}, ...). */
    String type();

    ApiResponse handle(ApiRequest request, String relPath);

    /**
     * Existence check for ACL purposes: true when a write to {@code relPath} would create the object (needs the
     * {@code create} capability), false when it updates (needs {@code update}). Paths without an existence check in
     * Vault are updates.
     */
    default boolean writeCreates(String relPath) {
        return false;
    }
}
