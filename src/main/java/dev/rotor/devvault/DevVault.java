package dev.rotor.devvault;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process dev Vault: an HTTP server on 127.0.0.1 that speaks the parts of HashiCorp Vault's HTTP API rotor uses,
 * with Vault's statuses, error texts and envelope (checked by {@code VaultContractTest} against recorded exchanges).
 * Used by rotor's tests and by {@code rotor local}.
 *
 * <p>Mounts at start: KV v2 at {@code secret/}, {@code database/}, {@code transit/}, {@code aws/}, {@code cubbyhole/}
 * and {@code identity/} (listed only), {@code sys/}, and the auth methods {@code token/}, {@code userpass/},
 * {@code approle/}. More KV v2 mounts: {@link #mountKv2(String)} or {@code POST sys/mounts/<p>}.
 *
 * <p>Limits: one namespace ({@code X-Vault-Namespace} is accepted, recorded in {@link #requests()} and otherwise
 * ignored); response wrapping ({@code X-Vault-Wrap-TTL}) is ignored; no audit device; state is in memory.
 *
 * <p>Loading this class sets {@code sun.net.httpserver.nodelay=true} unless already set (see the static block).
 *
 * <p>Every method is thread-safe. Secret values (passwords, keys, tokens) come from {@code SecureRandom} and are never
 * logged.
 */
public final class DevVault implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DevVault.class);
    private static final int THREADS = 16;
    /** How long {@link #dropNextConnection(String)} holds the connection before closing it. */
    public static final Duration DEFAULT_DROP_HOLD = Duration.ofSeconds(2);

    static {
        // The JDK server flushes headers and body as two segments; with Nagle's algorithm and the client's delayed
        // ACK every answer then waits ~40 ms. TCP_NODELAY removes that. The JDK reads this JVM-wide property once,
        // when its first HttpServer is created, so it is only set if nobody chose a value.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Clock clock = Clock.systemUTC();
    private final MountTable mounts = new MountTable();
    private final PolicyStore policies = new PolicyStore();
    private final TokenStore tokens = new TokenStore(policies, clock);
    private final LeaseEngine leases = new LeaseEngine(clock);
    private final DatabaseEngine database = new DatabaseEngine("database/", clock, leases);
    private final TransitEngine transit = new TransitEngine(clock);
    private final AwsEngine aws = new AwsEngine();
    private final Map<String, AwsEngine> extraAws = new HashMap<>();
    private final UserpassAuth userpass = new UserpassAuth(tokens);
    private final AppRoleAuth appRole = new AppRoleAuth(tokens);
    private final SysEndpoints sys = new SysEndpoints(clock, mounts, policies, leases, this::addKvMount);
    private final Faults faults = new Faults();
    private final VaultHandler handler = new VaultHandler(clock, mounts, tokens, policies, sys, faults);
    private final String rootToken;
    private final HttpServer server;
    private final ExecutorService executor;

    private DevVault(int port, String rootTokenId) throws IOException {
        this.rootToken = tokens.createRoot(rootTokenId).id;
        mounts.add("secret/", MountTable.Spec.KV2, new Kv2Engine(clock));
        mounts.add(
                "cubbyhole/",
                MountTable.Spec.core("cubbyhole", "per-token private secret storage", true),
                new UnservedEngine("cubbyhole"));
        mounts.add(
                "identity/", MountTable.Spec.core("identity", "identity store", false), new UnservedEngine("identity"));
        mounts.add(
                "sys/",
                MountTable.Spec.core("system", "system endpoints used for control, policy and debugging", false),
                sys);
        mounts.add("database/", MountTable.Spec.plugin("database"), database);
        mounts.add("transit/", MountTable.Spec.plugin("transit"), transit);
        mounts.add("aws/", MountTable.Spec.plugin("aws"), aws);
        mounts.add("auth/token/", MountTable.Spec.core("token", "token based credentials", false), tokens);
        mounts.add("auth/userpass/", MountTable.Spec.plugin("userpass"), userpass);
        mounts.add("auth/approle/", MountTable.Spec.plugin("approle"), appRole);

        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        // THREADS stay; more are made while more requests are in flight (a response delay keeps many waiting) and
        // retire after a minute idle. The clients bound how many that can be.
        this.executor = new ThreadPoolExecutor(
                THREADS, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), daemonThreads());
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
        LOG.debug("dev Vault listening on {}", address());
    }

    /** Starts on a free port with a generated root token. */
    public static DevVault start() {
        return start(0);
    }

    /** Starts on this port (0 = a free one) with a generated root token. */
    public static DevVault start(int port) {
        return start(port, Secrets.serviceToken());
    }

    /** Starts on this port (0 = a free one) with a fixed root token id (e.g. {@code "root"} for a local demo). */
    public static DevVault start(int port, String rootToken) {
        if (rootToken == null || rootToken.isBlank()) {
            throw new IllegalArgumentException("root token must not be blank");
        }
        try {
            return new DevVault(port, rootToken);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the dev Vault on port " + port, e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, Vault's {@code VAULT_ADDR}. */
    public String address() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The root token (policy {@code root}, never expires). */
    public String rootToken() {
        return rootToken;
    }

    /** Stops the server at once; requests in flight (delayed or held) are abandoned. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---- switches --------------------------------------------------------------------------------------------

    /** Seals: every API path answers 503 {@code Vault is sealed}; {@code sys/health} answers 503 with its body. */
    public void seal() {
        sys.sealed(true);
    }

    public void unseal() {
        sys.sealed(false);
    }

    public boolean isSealed() {
        return sys.sealed();
    }

    /** Not initialised: {@code sys/health} answers 501 and every API path 503 (an uninitialised Vault is sealed). */
    public void setInitialized(boolean initialized) {
        sys.initialized(initialized);
    }

    /** Standby node: {@code sys/health} answers 429 (unless {@code standby}); the API keeps working. */
    public void setStandby(boolean standby) {
        sys.standby(standby);
    }

    /**
     * Delays every request by this much before it is handled (then it is handled, even if the client has given up).
     * {@link Duration#ZERO} turns it off.
     */
    public void setResponseDelay(Duration delay) {
        faults.delay(delay);
    }

    /**
     * The next {@code n} requests (any path) answer {@code status} with a Vault-shaped error body, without touching any
     * state.
     */
    public void failNext(int n, int status) {
        faults.failNext("", n, status);
    }

    /**
     * Like {@link #failNext(int, int)} for requests whose path starts with {@code pathPrefix} ({@code secret/data/app}
     * or {@code /v1/secret/data/app}); other requests are served normally.
     */
    public void failNextMatching(String pathPrefix, int n, int status) {
        faults.failNext(pathPrefix, n, status);
    }

    /**
     * Like {@link #failNextMatching(String, int, int)}, only for requests with this HTTP method ({@code null} = any),
     * and after first letting {@code skip} matching requests through: {@code failMatching("POST",
     * "secret/metadata/app", 1, 100, 500)} answers the second and later metadata writes of {@code app} with 500.
     */
    public void failMatching(String method, String pathPrefix, int skip, int n, int status) {
        faults.fail(method, pathPrefix, skip, n, status);
    }

    /**
     * The next {@code n} requests with this method ({@code null} = any) under {@code pathPrefix} are answered with
     * {@code status} (a 3xx) and a {@code Location} naming {@code targetAddress} followed by the request's own path and
     * query, without being applied: what a standby node, a proxy or an attacker on the path can answer. The client must
     * not follow it.
     */
    public void redirectNext(String method, String pathPrefix, int n, int status, String targetAddress) {
        faults.redirectNext(method, pathPrefix, n, status, targetAddress);
    }

    /**
     * The next request under {@code pathPrefix} is applied normally, then its connection is held for
     * {@link #DEFAULT_DROP_HOLD} and closed without an answer: the client sees a timeout (if its timeout is shorter) or
     * a closed connection, although the write happened.
     */
    public void dropNextConnection(String pathPrefix) {
        dropNextConnection(pathPrefix, DEFAULT_DROP_HOLD);
    }

    /** Like {@link #dropNextConnection(String)} with an explicit hold ({@link Duration#ZERO} = close at once). */
    public void dropNextConnection(String pathPrefix, Duration hold) {
        faults.dropNext(pathPrefix, hold);
    }

    /** Like {@link #dropNextConnection(String, Duration)}, only for a request with this HTTP method. */
    public void dropNextConnection(String method, String pathPrefix, Duration hold) {
        faults.dropNext(method, pathPrefix, hold);
    }

    /**
     * Like {@link #dropNextConnection(String, String, Duration)}, after first letting {@code skip} matching requests
     * through: {@code dropMatching("POST", "secret/metadata/app", 1, hold)} applies and drops the second metadata write
     * of {@code app}.
     */
    public void dropMatching(String method, String pathPrefix, int skip, Duration hold) {
        faults.drop(method, pathPrefix, skip, hold);
    }

    /** Removes pending injected failures, redirects and drops, and the response delay. */
    public void clearFaults() {
        faults.clear();
    }

    /** Requests answered so far, oldest first (at most the last 10 000). */
    public List<Request> requests() {
        return handler.requests();
    }

    /** The most requests handled at once since the start or the last {@link #clearRequests()}. */
    public int mostRequestsInFlight() {
        return handler.mostInFlight();
    }

    public void clearRequests() {
        handler.clearRequests();
    }

    /**
     * How many times {@code method path} was called since start (not reset by {@link #clearRequests()}). {@code path}
     * is the request path without query, with or without the {@code /v1/} prefix.
     */
    public int callCount(String method, String path) {
        String p = path.startsWith("/v1/") ? path : "/v1/" + Faults.normalise(path);
        return handler.callCount(method, p);
    }

    // ---- KV v2 -----------------------------------------------------------------------------------------------

    /** Mounts another KV v2 engine ({@code "kv"} or {@code "kv/"}). */
    public void mountKv2(String mount) {
        addKvMount(mount);
    }

    private Kv2Engine addKvMount(String mount) {
        Kv2Engine engine = new Kv2Engine(clock);
        mounts.add(mountPath(mount), MountTable.Spec.KV2, engine);
        return engine;
    }

    /** Writes a new version (no CAS checks, as an operator seeding data); returns the version number. */
    public int kvPut(String mount, String path, Map<String, ?> data) {
        return kv(mount).put(keyPath(path), Json.tree(data));
    }

    /** The current version's data, or an empty map when the key is missing, deleted or destroyed. */
    public Map<String, Object> kvRead(String mount, String path) {
        return kv(mount).readLatest(keyPath(path));
    }

    public Optional<KvMetadata> kvMetadata(String mount, String path) {
        return kv(mount).metadata(keyPath(path));
    }

    /** Engine config ({@code {mount}/config}): {@code maxVersions} 0 = 10, {@code deleteVersionAfter} ZERO = off. */
    public void kvConfigure(String mount, int maxVersions, boolean casRequired, Duration deleteVersionAfter) {
        kv(mount).configure(maxVersions, casRequired, deleteVersionAfter);
    }

    /** Replaces a key's {@code custom_metadata} (creating the key with no versions if needed). */
    public void kvWriteMetadata(String mount, String path, Map<String, String> customMetadata) {
        kv(mount).writeKeyMetadata(keyPath(path), null, null, null, customMetadata);
    }

    /** Sets a key's own {@code max_versions}, {@code cas_required} and {@code delete_version_after}. */
    public void kvConfigureKey(
            String mount, String path, int maxVersions, boolean casRequired, Duration deleteVersionAfter) {
        kv(mount).writeKeyMetadata(keyPath(path), maxVersions, casRequired, deleteVersionAfter, null);
    }

    /** Soft-deletes versions (the current one when none are given). */
    public void kvSoftDelete(String mount, String path, int... versions) {
        kv(mount).softDelete(keyPath(path), versions);
    }

    public void kvDestroy(String mount, String path, int... versions) {
        kv(mount).destroy(keyPath(path), versions);
    }

    private Kv2Engine kv(String mount) {
        MountTable.Mount m = mounts.find(mountPath(mount));
        if (m == null || !(m.engine() instanceof Kv2Engine)) {
            throw new IllegalArgumentException("no KV v2 mount at " + mountPath(mount));
        }
        return (Kv2Engine) m.engine();
    }

    private static String mountPath(String mount) {
        String m = Faults.normalise(mount);
        return m.endsWith("/") ? m : m + "/";
    }

    private static String keyPath(String path) {
        return Faults.normalise(path);
    }

    // ---- policies and tokens ---------------------------------------------------------------------------------

    /** Adds or replaces a named policy. */
    public void definePolicy(Policy policy) {
        policies.put(policy);
    }

    /** Defines these policies and returns a new token holding them (plus {@code default}). */
    public String createToken(Policy... tokenPolicies) {
        String[] names = new String[tokenPolicies.length];
        for (int i = 0; i < tokenPolicies.length; i++) {
            definePolicy(tokenPolicies[i]);
            names[i] = tokenPolicies[i].name();
        }
        return createToken(TokenSpec.builder().policies(names).build());
    }

    /** Creates a token as described; returns its id. */
    public String createToken(TokenSpec spec) {
        return tokens.create(spec, null).id;
    }

    public boolean tokenExists(String token) {
        return tokens.exists(token);
    }

    // ---- auth methods ----------------------------------------------------------------------------------------

    /** A userpass user (login at {@code auth/userpass/login/<username>}). */
    public void addUserpassUser(String username, String password, String... userPolicies) {
        userpass.addUser(username, password, Arrays.asList(userPolicies));
    }

    /** An AppRole whose {@code role_id}/{@code secret_id} pair logs in with these policies. */
    public void addAppRole(String roleId, String secretId, String... rolePolicies) {
        appRole.addRole(roleId, roleId, secretId, Arrays.asList(rolePolicies));
    }

    // ---- database --------------------------------------------------------------------------------------------

    /** A connection whose root credential {@code database/rotate-root/<name>} can rotate. */
    public void addDatabaseConnection(String name) {
        database.addConnection(name);
    }

    /** A static role with a random initial password and a 24h rotation period. */
    public void addDatabaseStaticRole(String name, String username) {
        addDatabaseStaticRole(name, username, Duration.ofSeconds(DatabaseEngine.DEFAULT_ROTATION_PERIOD));
    }

    public void addDatabaseStaticRole(String name, String username, Duration rotationPeriod) {
        database.addStaticRole(name, username, rotationPeriod);
    }

    /** A dynamic role: {@code database/creds/<name>} hands out leased credentials (1h TTL). */
    public void addDatabaseDynamicRole(String name) {
        database.addDynamicRole(name, Duration.ofSeconds(DatabaseEngine.DEFAULT_DYNAMIC_TTL));
    }

    /** The static role's current password (changes on every rotate-role). */
    public String staticRolePassword(String name) {
        return database.staticPassword(name);
    }

    /** The static role's {@code last_vault_rotation}. */
    public Instant staticRoleLastRotation(String name) {
        return database.lastRotation(name);
    }

    /** How many times {@code rotate-role} rotated this static role. */
    public int staticRoleRotations(String name) {
        return database.staticRotations(name);
    }

    /** How many times {@code rotate-root} rotated this connection's root credential. */
    public int databaseRootRotations(String connection) {
        return database.rootRotations(connection);
    }

    // ---- transit ---------------------------------------------------------------------------------------------

    /** An {@code aes256-gcm96} key at version 1. */
    public void addTransitKey(String name) {
        transit.addKey(name);
    }

    public int transitLatestVersion(String name) {
        return transit.latestVersion(name);
    }

    // ---- leases ----------------------------------------------------------------------------------------------

    /** A renewable lease with a 1h TTL. */
    public void addLease(String leaseId) {
        addLease(leaseId, Duration.ofHours(1), true);
    }

    public void addLease(String leaseId, Duration ttl, boolean renewable) {
        leases.add(leaseId, ttl, renewable);
    }

    public boolean leaseExists(String leaseId) {
        return leases.exists(leaseId);
    }

    /** Ids of all live leases, sorted. */
    public List<String> leaseIds() {
        return leases.ids();
    }

    // ---- AWS -------------------------------------------------------------------------------------------------

    /** The current root access key id (the secret key is never exposed). */
    public String awsRootAccessKey() {
        return aws.accessKey();
    }

    /** Mounts another AWS secrets engine at {@code mount} (e.g. {@code aws-billing}), with its own root key. */
    public synchronized void mountAws(String mount) {
        String m = mount.endsWith("/") ? mount : mount + "/";
        AwsEngine engine = new AwsEngine();
        mounts.add(m, MountTable.Spec.plugin("aws"), engine);
        extraAws.put(m, engine);
    }

    /** How often the root key of the AWS engine mounted at {@code mount} was rotated. */
    public synchronized int awsRootRotations(String mount) {
        AwsEngine engine = extraAws.get(mount.endsWith("/") ? mount : mount + "/");
        if (engine == null) {
            throw new IllegalArgumentException("no AWS engine mounted at " + mount);
        }
        return engine.rotations();
    }

    public int awsRootRotations() {
        return aws.rotations();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "dev-vault-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** A mount that exists (it is listed by {@code sys/mounts}) but serves no paths in the dev Vault. */
    private static final class UnservedEngine implements Engine {
        private final String type;

        UnservedEngine(String type) {
            this.type = type;
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public ApiResponse handle(ApiRequest request, String relPath) {
            return ApiResponse.unsupportedPath();
        }
    }
}
