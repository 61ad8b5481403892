package dev.rotor.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;

/**
 * A Vault answer: the HTTP status and the parsed JSON body. The body may hold secret values (a KV read), so
 * {@link #toString()} shows only the status and the path.
 *
 * @param status HTTP status (2xx, or 404 from {@link VaultClient#readAllowingNotFound})
 * @param apiPath the API path called, without {@code /v1/}
 * @param body the parsed body; {@link MissingNode} when there was none (204)
 * @param errors Vault's {@code errors} array (empty when absent)
 * @param warnings Vault's {@code warnings} array (empty when absent)
 */
public record VaultResponse(int status, String apiPath, JsonNode body, List<String> errors, List<String> warnings) {
    public VaultResponse {
        body = body == null ? MissingNode.getInstance() : body;
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    /** The envelope's {@code data} object ({@link MissingNode} when absent or null). */
    public JsonNode data() {
        final JsonNode d = body.path("data");
        return d.isNull() ? MissingNode.getInstance() : d;
    }

    public boolean found() {
        return status != 404;
    }

    @Override
    public String toString() {
        return "VaultResponse[" + status + " " + apiPath + "]";
    }
}
