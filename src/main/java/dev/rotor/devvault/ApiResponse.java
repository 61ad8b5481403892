package dev.rotor.devvault;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What an engine answers, before the router renders it. Four shapes exist on Vault's wire: no body (204/202), an error
 * body {@code {"errors":[...]}}, the standard envelope ({@code request_id ... mount_type}) and a raw body
 * ({@code sys/health}). The router fills {@code request_id} and {@code mount_type} when it renders an envelope.
 */
final class ApiResponse {
    enum Kind {
        EMPTY,
        ERRORS,
        ENVELOPE,
        RAW
    }

    private final int status;
    private final Kind kind;
    private final List<String> errors;
    private final JsonNode raw;
    private Object data;
    private Object auth;
    private String leaseId = "";
    private boolean renewable;
    private long leaseDuration;
    private final List<String> warnings = new ArrayList<>();
    private boolean dataAlsoTopLevel;

    private ApiResponse(int status, Kind kind, List<String> errors, JsonNode raw) {
        this.status = status;
        this.kind = kind;
        this.errors = errors;
        this.raw = raw;
    }

    /** 204 No Content. */
    static ApiResponse noContent() {
        return new ApiResponse(204, Kind.EMPTY, List.of(), null);
    }

    /** A status with no body at all (202 Accepted). */
    static ApiResponse empty(int status) {
        return new ApiResponse(status, Kind.EMPTY, List.of(), null);
    }

    /** {@code {"errors":[messages...]}}; no messages gives Vault's {@code {"errors":[]}}. */
    static ApiResponse error(int status, String... messages) {
        return new ApiResponse(status, Kind.ERRORS, List.of(messages), null);
    }

    /**
     * An error that Vault's backend returned as a Go error rather than an error response: the HTTP body carries the
     * go-multierror rendering ({@code "1 error occurred:\n\t* <text>\n\n"}).
     */
    static ApiResponse goError(int status, String message) {
        return error(status, "1 error occurred:\n\t* " + message + "\n\n");
    }

    /** 405 for an existing path that has no handler for the operation. */
    static ApiResponse unsupportedOperation() {
        return goError(405, "unsupported operation");
    }

    /** 404 for a path inside a mount that the engine does not serve. */
    static ApiResponse unsupportedPath() {
        return goError(404, "unsupported path");
    }

    /** 200 with the envelope and this {@code data} (a map, or null for {@code "data": null}). */
    static ApiResponse ok(Object data) {
        return envelope(200, data);
    }

    static ApiResponse envelope(int status, Object data) {
        ApiResponse r = new ApiResponse(status, Kind.ENVELOPE, List.of(), null);
        r.data = data;
        return r;
    }

    /** A body that is not wrapped in the envelope ({@code sys/health}). */
    static ApiResponse raw(int status, JsonNode body) {
        return new ApiResponse(status, Kind.RAW, List.of(), body);
    }

    ApiResponse auth(Object authBlock) {
        this.auth = authBlock;
        return this;
    }

    ApiResponse lease(String id, boolean isRenewable, long durationSeconds) {
        this.leaseId = id;
        this.renewable = isRenewable;
        this.leaseDuration = durationSeconds;
        return this;
    }

    ApiResponse warning(String text) {
        warnings.add(text);
        return this;
    }

    /** Marks a {@code sys/} route whose data fields Vault also copies to the top level of the body. */
    ApiResponse dataAlsoTopLevel() {
        this.dataAlsoTopLevel = true;
        return this;
    }

    int status() {
        return status;
    }

    Kind kind() {
        return kind;
    }

    List<String> errors() {
        return errors;
    }

    JsonNode raw() {
        return raw;
    }

    Object data() {
        return data;
    }

    Object auth() {
        return auth;
    }

    String leaseId() {
        return leaseId;
    }

    boolean renewable() {
        return renewable;
    }

    long leaseDuration() {
        return leaseDuration;
    }

    List<String> warnings() {
        return warnings;
    }

    boolean isDataAlsoTopLevel() {
        return dataAlsoTopLevel;
    }
}
