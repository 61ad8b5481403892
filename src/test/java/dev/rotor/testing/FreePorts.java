package dev.rotor.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Port blocks for tests that start {@code rotor local} as a process. {@code rotor local} takes a base port and uses the
 * next few; a fixed base inside the OS's ephemeral range (32768–60999 on Linux) collides with the client ports other
 * tests' connections were given, so blocks are drawn below it and checked to be free on 127.0.0.1.
 */
public final class FreePorts {
    private static final int LOW = 20_000;
    private static final int HIGH = 32_000;

    private FreePorts() {}

    /**
     * A port free on 127.0.0.1 right now, chosen by the OS (so inside its ephemeral range): for a server a test starts
     * at once, where another connection taking the port in between is very unlikely. Nothing listens on it afterwards,
     * so it also serves as a port that refuses connections.
     */
    public static int one() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A base port such that {@code base .. base + count - 1} are all free right now. */
    public static int block(final int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            final int base = ThreadLocalRandom.current().nextInt(LOW, HIGH - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no block of " + count + " free ports between " + LOW + " and " + HIGH);
    }

    private static boolean allFree(final int base, final int count) {
        for (int p = base; p < base + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (final IOException e) {
                return false;
            }
        }
        return true;
    }
}
