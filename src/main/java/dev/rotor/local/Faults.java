package dev.rotor.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The fault switches of the dev Vault: a delay before every request, injected error answers for the next N
 * (matching) requests, and connections dropped after the request was applied. Thread-safe.
 */
final class Faults {
    private static final class FailRule {
        final String prefix;
        final int status;
        int remaining;

        FailRule(String prefix, int remaining, int status) {
            this.prefix = prefix;
            this.remaining = remaining;
            this.status = status;
        }
    }

    private static final class DropRule {
        final String prefix;
        final Duration hold;

        DropRule(String prefix, Duration hold) {
            this.prefix = prefix;
            this.hold = hold;
        }
    }

    private volatile Duration delay = Duration.ZERO;
    private final List<FailRule> failures = new ArrayList<>();
    private final List<DropRule> drops = new ArrayList<>();

    void delay(Duration value) {
        this.delay = value == null || value.isNegative() ? Duration.ZERO : value;
    }

    Duration delay() {
        return delay;
    }

    synchronized void failNext(String prefix, int n, int status) {
        if (n < 0 || status < 100 || status > 599) {
            throw new IllegalArgumentException("need n >= 0 and an HTTP status");
        }
        if (n > 0) {
            failures.add(new FailRule(normalise(prefix), n, status));
        }
    }

    synchronized void dropNext(String prefix, Duration hold) {
        drops.add(new DropRule(normalise(prefix), hold == null ? Duration.ZERO : hold));
    }

    synchronized void clear() {
        failures.clear();
        drops.clear();
        delay = Duration.ZERO;
    }

    /** Consumes one injected failure for this API path (without {@code /v1/}); null when none applies. */
    synchronized Integer takeFailure(String apiPath) {
        Iterator<FailRule> it = failures.iterator();
        while (it.hasNext()) {
            FailRule rule = it.next();
            if (apiPath.startsWith(rule.prefix)) {
                if (--rule.remaining == 0) {
                    it.remove();
                }
                return rule.status;
            }
        }
        return null;
    }

    /** Consumes a drop rule for this API path; null when the connection should be answered normally. */
    synchronized Duration takeDrop(String apiPath) {
        Iterator<DropRule> it = drops.iterator();
        while (it.hasNext()) {
            DropRule rule = it.next();
            if (apiPath.startsWith(rule.prefix)) {
                it.remove();
                return rule.hold;
            }
        }
        return null;
    }

    /** A Vault-shaped error body for an injected status, with the text Vault uses for that situation. */
    static ApiResponse injectedError(int status, String apiPath) {
        switch (status) {
            case 412: return ApiResponse.error(status, "required index state not present");
            case 429: return ApiResponse.error(status, "request path \"" + apiPath + "\": rate limit quota exceeded");
            case 500: return ApiResponse.error(status, "internal error");
            case 502: return ApiResponse.error(status, "upstream error");
            case 503: return ApiResponse.error(status, "Vault is sealed");
            default: return ApiResponse.error(status, "injected failure");
        }
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
