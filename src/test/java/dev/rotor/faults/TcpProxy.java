package dev.rotor.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a local server (the schema registry, the dev Vault), switched by the test
 * between three modes, so the server behind it keeps its state across an "outage":
 *
 * <ol>
 *   <li>{@link #forward()}: connections are piped to the server.
 *   <li>{@link #refuse()}: the listening socket is closed, so a connect attempt gets {@code ECONNREFUSED}; open
 *       connections are reset. The proxy listens again on the same port when switched back.
 *   <li>{@link #reset()}: connections are accepted and reset at once (RST, nothing read or written); open connections
 *       are reset too.
 * </ol>
 *
 * Thread-safe; mode changes take effect for the next connection and cut the open ones.
 */
final class TcpProxy implements AutoCloseable {
    enum Mode {
        FORWARD,
        REFUSE,
        RESET
    }

    private final String name;
    private final int targetPort;
    private final int port;
    private final ExecutorService threads;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong refusedOrReset = new AtomicLong();
    private volatile Mode mode = Mode.FORWARD;
    private volatile ServerSocket listener;
    private volatile boolean closed;

    private TcpProxy(final String name, final int targetPort) {
        this.name = name;
        this.targetPort = targetPort;
        final AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            final Thread t = new Thread(r, "proxy-" + name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        acceptOn(listener);
    }

    /** A proxy on a free port forwarding to {@code 127.0.0.1:targetPort}. */
    static TcpProxy start(final String name, final int targetPort) {
        return new TcpProxy(name, targetPort);
    }

    int port() {
        return port;
    }

    /** {@code http://127.0.0.1:<port><path>}. */
    String url(final String path) {
        return "http://127.0.0.1:" + port + path;
    }

    Mode mode() {
        return mode;
    }

    /** Connections accepted in {@link Mode#FORWARD}. */
    long forwarded() {
        return connections.get();
    }

    /** Connections reset in {@link Mode#RESET} and open connections cut by a mode change. */
    long cut() {
        return refusedOrReset.get();
    }

    synchronized void forward() {
        mode = Mode.FORWARD;
        ensureListening();
    }

    synchronized void refuse() {
        mode = Mode.REFUSE;
        final ServerSocket l = listener;
        listener = null;
        if (l != null) {
            closeQuietly(l);
        }
        resetOpenConnections();
    }

    synchronized void reset() {
        mode = Mode.RESET;
        ensureListening();
        resetOpenConnections();
    }

    private void ensureListening() {
        if (listener == null) {
            listener = bind(port);
            acceptOn(listener);
        }
    }

    private static ServerSocket bind(final int port) {
        try {
            final ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            return s;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
        }
    }

    private void acceptOn(final ServerSocket server) {
        threads.execute(() -> {
            while (!server.isClosed()) {
                final Socket client;
                try {
                    client = server.accept();
                } catch (final IOException e) {
                    return; // closed by refuse() or close()
                }
                if (mode == Mode.FORWARD) {
                    connections.incrementAndGet();
                    threads.execute(() -> pipe(client));
                } else {
                    refusedOrReset.incrementAndGet();
                    resetQuietly(client);
                }
            }
        });
    }

    private void pipe(final Socket client) {
        final Socket server;
        try {
            server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
        } catch (final IOException e) {
            resetQuietly(client);
            return;
        }
        open.add(client);
        open.add(server);
        final AtomicInteger directionsDone = new AtomicInteger();
        final Runnable done = () -> {
            if (directionsDone.incrementAndGet() == 2) {
                open.remove(client);
                open.remove(server);
                closeQuietly(client);
                closeQuietly(server);
            }
        };
        threads.execute(() -> {
            copy(server, client);
            done.run();
        });
        copy(client, server);
        done.run();
    }

    /** Copies until end of stream (then half-closes {@code to}); on an error resets both sockets. */
    private static void copy(final Socket from, final Socket to) {
        final byte[] buffer = new byte[16 * 1024];
        try {
            final InputStream in = from.getInputStream();
            final OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (final IOException e) {
            resetQuietly(to);
            resetQuietly(from);
        }
    }

    private void resetOpenConnections() {
        for (final Socket s : open) {
            refusedOrReset.incrementAndGet();
            resetQuietly(s);
        }
        open.clear();
    }

    /** Closes with SO_LINGER 0, which sends RST instead of FIN. */
    private static void resetQuietly(final Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (final SocketException e) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(final AutoCloseable c) {
        try {
            c.close();
        } catch (final Exception e) {
            // nothing to do: the socket is gone either way
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (listener != null) {
            closeQuietly(listener);
        }
        resetOpenConnections();
        threads.shutdownNow();
    }

    @Override
    public String toString() {
        return "proxy " + name + " 127.0.0.1:" + port + " -> " + targetPort + " (" + mode + (closed ? ", closed" : "")
                + ")";
    }
}
