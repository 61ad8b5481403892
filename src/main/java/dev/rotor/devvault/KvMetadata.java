package dev.rotor.devvault;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;

/**
 * A snapshot of one KV v2 key's metadata, as {@code GET {mount}/metadata/{path}} would describe it.
 *
 * @param currentVersion highest version ever written (deleted and destroyed ones included); 0 = metadata only
 * @param oldestVersion 0 until {@code max_versions} pruned something, then the oldest kept version
 * @param customMetadata the key's {@code custom_metadata}, empty when none was set
 * @param deleteVersionAfter the key's own setting ({@link Duration#ZERO} = none)
 * @param versions every stored version by number
 */
public record KvMetadata(
        int currentVersion,
        int oldestVersion,
        Instant createdTime,
        Instant updatedTime,
        int maxVersions,
        boolean casRequired,
        Duration deleteVersionAfter,
        Map<String, String> customMetadata,
        SortedMap<Integer, VersionInfo> versions) {

    /**
     * One version's state.
     *
     * @param deletionTime null when not deleted; may lie in the future ({@code delete_version_after})
     */
    public record VersionInfo(int version, Instant createdTime, Instant deletionTime, boolean destroyed) {
        /** Soft-deleted now: a deletion time that has passed. */
        public boolean deleted() {
            return deletionTime != null && !deletionTime.isAfter(Instant.now());
        }
    }

    /** The current version's info, or null when the key has no versions. */
    public VersionInfo current() {
        return versions.get(currentVersion);
    }
}
