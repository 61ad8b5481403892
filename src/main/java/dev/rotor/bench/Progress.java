package dev.rotor.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A progress bar on stderr while loading and measuring: redrawn in place about five times a second on a terminal, one
 * line per 10 % otherwise (so a log file stays readable). Drawn by its own daemon scheduler; {@link #close()} stops it
 * and draws the final state.
 */
public final class Progress implements AutoCloseable {
    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final LongSupplier done;
    private final boolean interactive;
    private final long startNanos = System.nanoTime();
    private final ScheduledExecutorService drawer = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "bench-progress");
        t.setDaemon(true);
        return t;
    });
    private int lastDecile = -1;

    private Progress(
            final PrintStream out,
            final String label,
            final long total,
            final LongSupplier done,
            final boolean interactive) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
        this.done = done;
        this.interactive = interactive;
    }

    /** Starts showing {@code done}/{@code total} under {@code label}. */
    // On Java 22+ a console exists even when stderr is no terminal; then the line is redrawn with \r into a file,
    // which is harmless. Console.isTerminal(), the exact test, does not exist on Java 17.
    @SuppressWarnings("SystemConsoleNull")
    public static Progress start(final String label, final long total, final LongSupplier done) {
        final Progress p = new Progress(System.err, label, total, done, System.console() != null);
        final long every = p.interactive ? 200 : 500;
        p.drawer.scheduleWithFixedDelay(() -> p.draw(false), 0, every, TimeUnit.MILLISECONDS);
        return p;
    }

    private synchronized void draw(final boolean last) {
        final long d = Math.min(done.getAsLong(), total);
        final int decile = (int) (d * 10 / total);
        if (!interactive && !last && decile == lastDecile) {
            return;
        }
        lastDecile = decile;
        final int filled = (int) (d * WIDTH / total);
        final double secs = (System.nanoTime() - startNanos) / 1e9;
        final String bar = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "]";
        final String line = String.format(
                Locale.ROOT,
                "  %-34s %s %3d%% %,d/%,d  %.1f s  %,.0f/s",
                label,
                bar,
                d * 100 / total,
                d,
                total,
                secs,
                secs > 0 ? d / secs : 0.0);
        if (interactive) {
            out.print("\r" + line + "   ");
            if (last) {
                out.println();
            }
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void close() {
        drawer.shutdownNow();
        try {
            drawer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        draw(true);
    }
}
