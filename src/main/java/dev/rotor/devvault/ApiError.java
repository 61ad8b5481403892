package dev.rotor.devvault;

/**
 * Thrown inside an engine to end the request with a Vault error response (for example a field of the wrong type). The
 * message is the client-facing error text; it never contains request values.
 */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ApiResponse response;

    ApiError(ApiResponse response) {
        super("vault error " + response.status(), null, false, false);
        this.response = response;
    }

    static ApiError badRequest(String message) {
        return new ApiError(ApiResponse.error(400, message));
    }

    ApiResponse response() {
        return response;
    }
}
