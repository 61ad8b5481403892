package dev.rotor.streams;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Caps the off-heap memory of all of rotor's RocksDB stores in one JVM ({@code rotor.rocksdb.memory}). By default every
 * store instance (one per store per task) gets its own block cache and memtables, so memory grows with the number of
 * partitions; here they share one LRU cache, and memtables are charged to that same cache through a write buffer
 * manager, so the total stays under the limit however many tasks an instance runs. Index and filter blocks live in the
 * cache too (high priority), since they otherwise grow without bound.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
    /** Streams config key carrying the limit in bytes (set by {@link StreamsSettings}). */
    public static final String LIMIT_CONFIG = "rotor.rocksdb.memory.bytes";

    private static final double MEMTABLE_SHARE = 0.4;
    private static final double HIGH_PRIORITY_SHARE = 0.1;
    private static final long MEMTABLE_BYTES = 4L * 1024 * 1024;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;
    private static long configuredLimit = -1;

    @Override
    public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
        final Object limit = configs.get(LIMIT_CONFIG);
        final long bytes = limit == null ? 64L * 1024 * 1024 : Long.parseLong(limit.toString());
        final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        synchronized (BoundedRocksDbMemory.class) {
            if (cache == null || configuredLimit != bytes) {
                // one cache and one write buffer manager for every store of this JVM (never closed: shared)
                cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_SHARE);
                writeBufferManager = new WriteBufferManager((long) (bytes * MEMTABLE_SHARE), cache);
                configuredLimit = bytes;
            }
            table.setBlockCache(cache);
            options.setWriteBufferManager(writeBufferManager);
        }
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close(final String storeName, final Options options) {
        // the cache and write buffer manager are shared by all stores: they live as long as the JVM
    }
}
