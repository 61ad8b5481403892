package dev.rotor.devvault;

/**
 * The AWS secrets engine's root-credential rotation: {@code config/rotate-root} replaces the root access key and
 * answers the new key id (never the secret key). {@code config/root} reads the non-secret part of the config.
 */
final class AwsEngine implements Engine {
    private String accessKey = Secrets.awsAccessKeyId();
    /** The root secret key: replaced with the access key, never returned by any endpoint. */
    @SuppressWarnings("unused") // held like Vault holds it, never read: no endpoint returns it
    private String secretKey = Secrets.alnum(40);

    private int rotations;

    @Override
    public String type() {
        return "aws";
    }

    @Override
    public ApiResponse handle(ApiRequest req, String rel) {
        return switch (rel) {
            case "config/rotate-root" -> req.isWrite() ? rotate() : ApiResponse.unsupportedOperation();
            case "config/root" -> req.operation() == Operation.READ ? readRoot() : ApiResponse.unsupportedOperation();
            default -> ApiResponse.unsupportedPath();
        };
    }

    private synchronized ApiResponse rotate() {
        accessKey = Secrets.awsAccessKeyId();
        secretKey = Secrets.alnum(40);
        rotations++;
        return ApiResponse.ok(Json.sorted("access_key", accessKey));
    }

    private synchronized ApiResponse readRoot() {
        return ApiResponse.ok(Json.sorted(
                "access_key", accessKey,
                "iam_endpoint", "",
                "max_retries", -1,
                "region", "us-east-1",
                "sts_endpoint", ""));
    }

    synchronized String accessKey() {
        return accessKey;
    }

    synchronized int rotations() {
        return rotations;
    }
}
