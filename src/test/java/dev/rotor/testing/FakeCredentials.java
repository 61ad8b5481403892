package dev.rotor.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Fake credentials of every kind rotor's redaction knows, as a sender would write them into an event's text.
 *
 * <p>They are generated from a fixed seed and assembled from pieces at run time, so no credential-shaped literal sits
 * in the repository (a secret scanner run over it finds nothing), yet each has the real shape: prefix, length and
 * alphabet. Tests must never print them: {@link #leaks} reports where a fake was found by the fake's name only.
 */
public final class FakeCredentials {
    /**
     * One fake.
     *
     * @param name the kind, for reports
     * @param text how a sender writes it (in a description, a log excerpt)
     * @param secrets the parts that must never be seen again in any output
     */
    public record Fake(String name, String text, List<String> secrets) {}

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    private static final String DIGITS = "0123456789";
    private static final String ALNUM = UPPER + LOWER + DIGITS;
    private static final String BASE64 = ALNUM + "+/";
    private static final String URL_SAFE = ALNUM + "_-";

    private FakeCredentials() {}

    /** Every kind, each in the words a sender would use; same values on every call. */
    public static List<Fake> all() {
        final SplittableRandom r = new SplittableRandom(20261206L);
        final List<Fake> f = new ArrayList<>();
        final String awsId = "AK" + "IA" + pick(r, UPPER + "234567", 16);
        f.add(fake("aws-access-key-id", "access key " + awsId + " used from an unknown network", awsId));
        final String awsId2 = "AS" + "IA" + pick(r, UPPER + "234567", 16);
        final String awsSecret = mixed(r, BASE64, 40);
        f.add(new Fake("aws-secret-access-key", "pasted: " + awsId2 + " " + awsSecret, List.of(awsId2, awsSecret)));
        for (final String p : List.of("p", "o", "u", "s", "r")) {
            final String t = "gh" + p + "_" + mixed(r, ALNUM, 36);
            f.add(fake("github-token-gh" + p, "token " + t + " found in a commit", t));
        }
        final String pat = "github" + "_pat_" + mixed(r, ALNUM, 22) + "_" + mixed(r, ALNUM, 59);
        f.add(fake("github-fine-grained-pat", "leaked " + pat + " in a gist", pat));
        final String glpat = "gl" + "pat-" + mixed(r, ALNUM, 20);
        f.add(fake("gitlab-token", "gitlab " + glpat, glpat));
        final String xoxb = "xo" + "xb-" + pick(r, DIGITS, 12) + "-" + pick(r, DIGITS, 13) + "-" + mixed(r, ALNUM, 24);
        f.add(fake("slack-bot-token", "slack bot " + xoxb + " posted", xoxb));
        final String xoxp = "xo" + "xp-" + pick(r, DIGITS, 12) + "-" + pick(r, DIGITS, 12) + "-" + pick(r, DIGITS, 13)
                + "-" + pick(r, LOWER + DIGITS, 32);
        f.add(fake("slack-user-token", "user token " + xoxp, xoxp));
        final String hookPath =
                "T" + pick(r, UPPER + DIGITS, 8) + "/B" + pick(r, UPPER + DIGITS, 8) + "/" + mixed(r, ALNUM, 24);
        f.add(fake(
                "slack-webhook", "webhook https://hooks." + "slack.com/services/" + hookPath + " exposed", hookPath));
        for (final String p : List.of("sk", "rk", "pk")) {
            final String k = p + "_live_" + mixed(r, ALNUM, 24);
            f.add(fake("stripe-" + p + "-live", "stripe " + k + " in logs", k));
        }
        final String google = "AI" + "za" + mixed(r, URL_SAFE, 35);
        f.add(fake("google-api-key", "maps key " + google + " in the app bundle", google));
        final String jwt = "ey" + "J" + mixed(r, URL_SAFE, 30) + ".ey" + "J" + mixed(r, URL_SAFE, 60) + "."
                + mixed(r, URL_SAFE, 43);
        f.add(fake("jwt", "session " + jwt + " replayed", jwt));
        final List<String> pemLines = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            pemLines.add(mixed(r, BASE64, 64));
        }
        final String armour = "RSA PRIV" + "ATE KEY";
        f.add(new Fake(
                "pem-private-key",
                "key material: -----BEGIN " + armour + "-----\n" + String.join("\n", pemLines) + "\n-----END " + armour
                        + "-----\n",
                pemLines));
        final String vault = "hv" + "s." + mixed(r, URL_SAFE, 90);
        f.add(fake("vault-token", "vault token " + vault + " in a CI log", vault));
        final String npm = "np" + "m_" + mixed(r, ALNUM, 36);
        f.add(fake("npm-token", "npm " + npm, npm));
        final String sendgrid = "S" + "G." + mixed(r, URL_SAFE, 22) + "." + mixed(r, URL_SAFE, 43);
        f.add(fake("sendgrid-key", "mail key " + sendgrid, sendgrid));
        final String password = "Tr0ub4dor-" + pick(r, ALNUM, 10);
        f.add(fake("password-pair", "login failed for admin password=" + password + " from the console", password));
        final String token = mixed(r, ALNUM, 28);
        f.add(fake("token-pair", "request carried token: " + token + " twice", token));
        final String secret = mixed(r, ALNUM, 24);
        f.add(fake("secret-pair", "config dump secret=" + secret + "; end", secret));
        final String apiKeyJson = mixed(r, ALNUM, 32);
        f.add(fake("json-api-key", "body {\"api_key\": \"" + apiKeyJson + "\", \"user\": \"svc\"}", apiKeyJson));
        final String bearer = mixed(r, URL_SAFE, 40);
        f.add(fake("authorization-bearer", "header Authorization: Bearer " + bearer + " was replayed", bearer));
        final String basic =
                Base64.getEncoder().encodeToString(("deploy:" + pick(r, ALNUM, 14)).getBytes(StandardCharsets.UTF_8));
        f.add(fake("authorization-basic", "header Authorization: Basic " + basic, basic));
        final String urlPassword = pick(r, ALNUM, 18);
        f.add(fake(
                "url-password",
                "clone https://deploy:" + urlPassword + "@git.example.com/acme/api.git failed",
                urlPassword));
        final String flag = pick(r, ALNUM, 16);
        f.add(fake("cli-flag", "process list shows mysql --password " + flag + " --host db", flag));
        return f;
    }

    /** Metadata whose values are plain words hidden only because of their secret-named keys; key to value. */
    public static Map<String, String> secretNamedMetadata() {
        final SplittableRandom r = new SplittableRandom(7L);
        return Map.of(
                "apikey",
                "k" + pick(r, LOWER, 12),
                "api-key",
                "k" + pick(r, LOWER, 12),
                "passwd",
                "p" + pick(r, LOWER, 10),
                "pwd",
                "p" + pick(r, LOWER, 10),
                "Authorization",
                "Bearer " + pick(r, LOWER, 14),
                "cookie",
                "sid=" + pick(r, LOWER, 16),
                "client.secret",
                "s" + pick(r, LOWER, 12),
                "privateKey",
                "k" + pick(r, LOWER, 20),
                "x-session-token",
                "t" + pick(r, LOWER, 16),
                "db_credentials",
                "c" + pick(r, LOWER, 12));
    }

    /** The issue's own example: description, and metadata apikey / passwd. */
    public static final String ISSUE_PASSWORD = "hunter" + "2";

    public static final String ISSUE_STRIPE_KEY = "sk" + "_live_" + "abc123" + "XYZ";

    /**
     * Where any fake's secret shows in any of the texts (label to text), as "{@code <fake> in <label>}": never the
     * value, so a failing assertion prints nothing secret.
     */
    public static List<String> leaks(final Map<String, String> secrets, final Map<String, String> texts) {
        final List<String> found = new ArrayList<>();
        secrets.forEach((name, secret) -> texts.forEach((label, text) -> {
            if (text != null && text.contains(secret)) {
                found.add(name + " in " + label);
            }
        }));
        return found;
    }

    /** Every secret of every fake of {@link #all()} and of the given metadata, by a name that does not reveal it. */
    public static Map<String, String> secretsOf(final List<Fake> fakes, final Map<String, String> metadata) {
        final Map<String, String> out = new LinkedHashMap<>();
        for (final Fake fake : fakes) {
            for (int i = 0; i < fake.secrets().size(); i++) {
                out.put(
                        fake.name() + (fake.secrets().size() > 1 ? "#" + (i + 1) : ""),
                        fake.secrets().get(i));
            }
        }
        metadata.forEach((k, v) -> out.put(
                "metadata " + k,
                v.contains(" ")
                        ? v.substring(v.indexOf(' ') + 1)
                        : v.contains("=") ? v.substring(v.indexOf('=') + 1) : v));
        return out;
    }

    /**
     * Every secret the whole-topology redaction tests plant: those of {@code fakes} and {@code metadata}
     * ({@link #secretsOf}) plus the issue's own password and Stripe key.
     */
    public static Map<String, String> plantedSecrets(final List<Fake> fakes, final Map<String, String> metadata) {
        final Map<String, String> out = secretsOf(fakes, metadata);
        out.put("issue password", ISSUE_PASSWORD);
        out.put("issue stripe key", ISSUE_STRIPE_KEY);
        return out;
    }

    private static Fake fake(final String name, final String text, final String secret) {
        return new Fake(name, text, List.of(secret));
    }

    private static String pick(final SplittableRandom r, final String alphabet, final int n) {
        final StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** Like {@link #pick}, but with an upper-case letter, a lower-case letter and a digit, as real keys have. */
    private static String mixed(final SplittableRandom r, final String alphabet, final int n) {
        String s;
        do {
            s = pick(r, alphabet, n);
        } while (!s.chars().anyMatch(Character::isUpperCase)
                || !s.chars().anyMatch(Character::isLowerCase)
                || !s.chars().anyMatch(Character::isDigit));
        return s;
    }
}
