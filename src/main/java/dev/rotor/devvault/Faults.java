package dev.rotor.devvault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The fault switches of the dev Vault: a delay before every request, injected error answers and redirects for the next
 * N (matching) requests, and connections dropped after the request was applied. A rule matches a request by API path
 * prefix and, optionally, by HTTP method; it may first let a number of matching requests through. Thread-safe.
 */
final class Faults {
    /** Which requests a rule applies to: a path prefix, a method (null = any), and how many to let through first. */
    private static class Match {
        final String method;
        final String prefix;
        int skip;

        Match(String method, String prefix, int skip) {
            this.method = method == null ? null : method.toUpperCase(Locale.ROOT);
            this.prefix = normalise(prefix);
            this.skip = skip;
        }

        boolean matches(String requestMethod, String apiPath) {
            return (method == null || method.equals(requestMethod)) && apiPath.startsWith(prefix);
        }
    }

    private static final class FailRule extends Match {
        final int status;
        int remaining;

        FailRule(String method, String prefix, int skip, int remaining, int status) {
            super(method, prefix, skip);
            this.remaining = remaining;
            this.status = status;
        }
    }

    private static final class DropRule extends Match {
        final Duration hold;

        DropRule(String method, String prefix, int skip, Duration hold) {
            super(method, prefix, skip);
            this.hold = hold;
        }
    }

    private static final class RedirectRule extends Match {
        final int status;
        final String target;
        int remaining;

        RedirectRule(String method, String prefix, int remaining, int status, String target) {
            super(method, prefix, 0);
            this.remaining = remaining;
            this.status = status;
            this.target = target;
        }
    }

    /** An injected redirect: the status and the {@code Location} to send. */
    record Redirect(int status, String location) {}

    private volatile Duration delay = Duration.ZERO;
    private final List<FailRule> failures = new ArrayList<>();
    private final List<DropRule> drops = new ArrayList<>();
    private final List<RedirectRule> redirects = new ArrayList<>();

    void delay(Duration value) {
        this.delay = value == null || value.isNegative() ? Duration.ZERO : value;
    }

    Duration delay() {
        return delay;
    }

    synchronized void failNext(String prefix, int n, int status) {
        fail(null, prefix, 0, n, status);
    }

    synchronized void fail(String method, String prefix, int skip, int n, int status) {
        if (n < 0 || skip < 0 || status < 100 || status > 599) {
            throw new IllegalArgumentException("need n >= 0, skip >= 0 and an HTTP status");
        }
        if (n > 0) {
            failures.add(new FailRule(method, prefix, skip, n, status));
        }
    }

    synchronized void dropNext(String prefix, Duration hold) {
        dropNext(null, prefix, hold);
    }

    synchronized void dropNext(String method, String prefix, Duration hold) {
        drop(method, prefix, 0, hold);
    }

    synchronized void drop(String method, String prefix, int skip, Duration hold) {
        if (skip < 0) {
            throw new IllegalArgumentException("need skip >= 0");
        }
        drops.add(new DropRule(method, prefix, skip, hold == null ? Duration.ZERO : hold));
    }

    synchronized void redirectNext(String method, String prefix, int n, int status, String target) {
        if (n < 0 || status < 300 || status > 399) {
            throw new IllegalArgumentException("need n >= 0 and a 3xx status");
        }
        if (target == null || target.isBlank()) {
            throw new IllegalArgumentException("need a redirect target");
        }
        if (n > 0) {
            final String base = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
            redirects.add(new RedirectRule(method, prefix, n, status, base));
        }
    }

    synchronized void clear() {
        failures.clear();
        drops.clear();
        redirects.clear();
        delay = Duration.ZERO;
    }

    /**
     * Consumes one injected failure for this request (API path without {@code /v1/}); null when none applies. A rule
     * still letting requests through counts this one and answers null.
     */
    synchronized Integer takeFailure(String method, String apiPath) {
        Iterator<FailRule> it = failures.iterator();
        while (it.hasNext()) {
            FailRule rule = it.next();
            if (rule.matches(method, apiPath)) {
                if (rule.skip > 0) {
                    rule.skip--;
                    return null;
                }
                if (--rule.remaining == 0) {
                    it.remove();
                }
                return rule.status;
            }
        }
        return null;
    }

    /**
     * Consumes one injected redirect for this request; null when none applies. The {@code Location} is the rule's
     * target address followed by the request's own path and query, as a standby node's redirect to the active node.
     */
    synchronized Redirect takeRedirect(String method, String path, String rawQuery) {
        String apiPath = normalise(path);
        Iterator<RedirectRule> it = redirects.iterator();
        while (it.hasNext()) {
            RedirectRule rule = it.next();
            if (rule.matches(method, apiPath)) {
                if (--rule.remaining == 0) {
                    it.remove();
                }
                String p = path.startsWith("/") ? path : "/" + path;
                return new Redirect(
                        rule.status, rule.target + p + (rawQuery == null || rawQuery.isEmpty() ? "" : "?" + rawQuery));
            }
        }
        return null;
    }

    /** Consumes a drop rule for this request; null when the connection should be answered normally. */
    synchronized Duration takeDrop(String method, String apiPath) {
        Iterator<DropRule> it = drops.iterator();
        while (it.hasNext()) {
            DropRule rule = it.next();
            if (rule.matches(method, apiPath)) {
                if (rule.skip > 0) {
                    rule.skip--;
                    continue;
                }
                it.remove();
                return rule.hold;
            }
        }
        return null;
    }

    /** A Vault-shaped error body for an injected status, with the text Vault uses for that situation. */
    static ApiResponse injectedError(int status, String apiPath) {
        return switch (status) {
            case 403 -> ApiResponse.error(status, "permission denied");
            case 412 -> ApiResponse.error(status, "required index state not present");
            case 429 -> ApiResponse.error(status, "request path \"" + apiPath + "\": rate limit quota exceeded");
            case 500 -> ApiResponse.error(status, "internal error");
            case 502 -> ApiResponse.error(status, "upstream error");
            case 503 -> ApiResponse.error(status, "Vault is sealed");
            default -> ApiResponse.error(status, "injected failure");
        };
    }

    /** Accepts {@code /v1/secret/}, {@code v1/secret/}, {@code /secret/} or {@code secret/}. */
    static String normalise(String prefix) {
        String p = prefix == null ? "" : prefix;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.startsWith("v1/") ? p.substring(3) : p;
    }
}
