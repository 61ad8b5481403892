package dev.rotor.devvault;

import java.time.Instant;

/**
 * One request as the dev Vault's log records it. Never holds a body, a token or any secret value.
 *
 * @param method HTTP method as sent ({@code GET}, {@code LIST}, ...)
 * @param path request path without the query string ({@code /v1/secret/data/app})
 * @param query raw query string, empty when none
 * @param status HTTP status answered; for a dropped connection, the status that would have been sent
 * @param namespace the {@code X-Vault-Namespace} header, or null when absent
 * @param dropped true when the connection was closed without an answer ({@link DevVault#dropNextConnection})
 * @param injected true when the answer came from {@link DevVault#failNext} instead of the engines
 */
public record Request(
        Instant time,
        String method,
        String path,
        String query,
        int status,
        String namespace,
        boolean dropped,
        boolean injected) {}
