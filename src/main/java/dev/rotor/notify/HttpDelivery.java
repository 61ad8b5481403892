package dev.rotor.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one JSON body to a sink, retrying what may succeed later.
 *
 * <ol>
 *   <li>Each attempt is bounded by the timeout as a whole (connect, request, response); redirects are never followed (a
 *       redirect would send the body, and with it a routing key, somewhere else).
 *   <li>Retried: no answer (timeout, connection refused or reset), 408, 429 and 5xx, after a pause that starts at the
 *       backoff and doubles up to {@value #MAX_BACKOFF_SECONDS}s (a 429's {@code Retry-After} in seconds is honoured up
 *       to that cap). Any other answer outside 2xx is final: the sink refused the request and the same request would be
 *       refused again. At most {@code maxAttempts} attempts.
 *   <li>Nothing here logs or throws the URL (a Slack webhook URL holds its token) or a body (a PagerDuty body holds the
 *       routing key): log lines name the sink, the channel, the status and the attempt.
 *   <li>A raised {@link Stop} ends the pauses at once; the result is then {@link Outcome#ABORTED} and the caller leaves
 *       the notification to be read again.
 * </ol>
 */
final class HttpDelivery {
    static final long MAX_BACKOFF_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);

    /** How one delivery ended. */
    enum Outcome {
        DELIVERED,
        FAILED,
        ABORTED
    }

    /** The outcome, the attempts made and, when it failed, why (a status or an exception class; never a URL). */
    record Result(Outcome outcome, int attempts, String problem) {
        boolean aborted() {
            return outcome == Outcome.ABORTED;
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration backoff;
    private final Stop stop;
    private final DeliveryMetrics metrics;

    HttpDelivery(
            final Duration timeout,
            final int maxAttempts,
            final Duration backoff,
            final Stop stop,
            final DeliveryMetrics metrics) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.timeout = timeout;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.stop = stop;
        this.metrics = metrics;
    }

    /** Delivers {@code json} to {@code uri} for {@code sink} on {@code channel}. */
    Result post(final SinkKind sink, final Channel channel, final URI uri, final byte[] json) {
        final HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "rotor")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                .build();
        Duration pause = backoff;
        String problem = "no attempt";
        int made = 0;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            made = attempt;
            if (stop.raised()) {
                return new Result(Outcome.ABORTED, attempt - 1, "stopping");
            }
            Optional<Duration> retryAfter = Optional.empty();
            boolean retriable;
            try {
                final HttpResponse<Void> response = send(request);
                final int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    metrics.record(sink.id(), DeliveryMetrics.DELIVERED);
                    if (attempt > 1) {
                        LOG.info("{} ({}): delivered at attempt {}", sink.id(), channel.id(), attempt);
                    }
                    return new Result(Outcome.DELIVERED, attempt, null);
                }
                problem = "answered " + status;
                retriable = status == 408 || status == 429 || status >= 500;
                if (status == 429) {
                    retryAfter = response.headers().firstValue("Retry-After").flatMap(HttpDelivery::seconds);
                }
            } catch (final IOException | TimeoutException e) {
                problem = e instanceof TimeoutException || e instanceof HttpTimeoutException
                        ? "no answer within " + timeout.toMillis() + " ms"
                        : "no answer (" + e.getClass().getSimpleName() + ")";
                retriable = true;
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(Outcome.ABORTED, attempt, "interrupted");
            }
            if (!retriable) {
                LOG.error("{} ({}): refused the notification: {}; not retried", sink.id(), channel.id(), problem);
                break;
            }
            if (attempt == maxAttempts) {
                LOG.error(
                        "{} ({}): {} at attempt {} of {}; given up",
                        sink.id(),
                        channel.id(),
                        problem,
                        attempt,
                        maxAttempts);
                break;
            }
            final Duration wait = retryAfter
                    .map(r -> min(r, Duration.ofSeconds(MAX_BACKOFF_SECONDS)))
                    .orElse(pause);
            LOG.warn(
                    "{} ({}): {} at attempt {} of {}; retrying in {} ms",
                    sink.id(),
                    channel.id(),
                    problem,
                    attempt,
                    maxAttempts,
                    wait.toMillis());
            metrics.record(sink.id(), DeliveryMetrics.RETRIED);
            if (!stop.pause(wait)) {
                return new Result(Outcome.ABORTED, attempt, "stopping");
            }
            pause = min(pause.multipliedBy(2), Duration.ofSeconds(MAX_BACKOFF_SECONDS));
        }
        metrics.record(sink.id(), DeliveryMetrics.FAILED);
        return new Result(Outcome.FAILED, made, problem);
    }

    /** One exchange, bounded as a whole by the timeout (the client's own timeout covers only the response head). */
    private HttpResponse<Void> send(final HttpRequest request)
            throws IOException, InterruptedException, TimeoutException {
        final CompletableFuture<HttpResponse<Void>> f =
                client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            f.cancel(true);
            throw e;
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            // the exception's message may name the URI: keep its class only
            throw new IOException(
                    e.getCause() == null ? "failed" : e.getCause().getClass().getSimpleName());
        } catch (final InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    private static Optional<Duration> seconds(final String header) {
        try {
            final long s = Long.parseLong(header.trim());
            return s >= 0 ? Optional.of(Duration.ofSeconds(s)) : Optional.empty();
        } catch (final NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Duration min(final Duration a, final Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
