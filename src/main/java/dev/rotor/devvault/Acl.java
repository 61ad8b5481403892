package dev.rotor.devvault;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The effective ACL of a token: the rules of all its policies merged (capabilities of identical patterns are united). A
 * request path is decided by one rule, as in Vault: an exact pattern if one matches, otherwise the matching wildcard
 * pattern of highest priority (later first wildcard, no trailing {@code *}, fewer {@code +}, longer, lexically
 * greater). {@code deny} on that rule refuses everything.
 */
final class Acl {
    private static final Comparator<String> PRIORITY = Acl::comparePriority;

    private final boolean root;
    private final Map<String, Set<Capability>> exact = new HashMap<>();
    private final Map<String, Set<Capability>> wildcard = new HashMap<>();
    private final Map<String, Pattern> compiled = new HashMap<>();

    private Acl(boolean root) {
        this.root = root;
    }

    static Acl of(boolean root, Collection<Policy> policies) {
        Acl acl = new Acl(root);
        for (Policy policy : policies) {
            policy.rules().forEach((pattern, caps) -> {
                boolean isWildcard = pattern.endsWith("*") || hasPlusSegment(pattern);
                Map<String, Set<Capability>> target = isWildcard ? acl.wildcard : acl.exact;
                target.computeIfAbsent(pattern, p -> EnumSet.noneOf(Capability.class))
                        .addAll(caps);
                if (isWildcard) {
                    acl.compiled.computeIfAbsent(pattern, Acl::compile);
                }
            });
        }
        return acl;
    }

    /** Whether the token may perform {@code needed} on {@code path}; {@code sudo} adds the sudo requirement. */
    boolean allows(String path, Capability needed, boolean sudo) {
        if (root) {
            return true;
        }
        Set<Capability> caps = capabilities(path);
        if (caps.contains(Capability.DENY)) {
            return false;
        }
        return caps.contains(needed) && (!sudo || caps.contains(Capability.SUDO));
    }

    Set<Capability> capabilities(String path) {
        Set<Capability> direct = exact.get(path);
        if (direct != null) {
            return direct;
        }
        List<String> matching = new ArrayList<>();
        compiled.forEach((pattern, regex) -> {
            if (regex.matcher(path).matches()) {
                matching.add(pattern);
            }
        });
        if (matching.isEmpty()) {
            return Set.of();
        }
        matching.sort(PRIORITY.reversed());
        return wildcard.get(matching.get(0));
    }

    private static boolean hasPlusSegment(String pattern) {
        for (String segment : pattern.split("/", -1)) {
            if (segment.equals("+")) {
                return true;
            }
        }
        return false;
    }

    private static Pattern compile(String pattern) {
        boolean glob = pattern.endsWith("*");
        String body = glob ? pattern.substring(0, pattern.length() - 1) : pattern;
        StringBuilder regex = new StringBuilder();
        String[] segments = body.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            if (i > 0) {
                regex.append('/');
            }
            regex.append(segments[i].equals("+") ? "[^/]*" : Pattern.quote(segments[i]));
        }
        if (glob) {
            regex.append(".*");
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** Negative when {@code a} has lower priority than {@code b} (Vault's documented rules, in order). */
    private static int comparePriority(String a, String b) {
        int wa = firstWildcard(a);
        int wb = firstWildcard(b);
        if (wa != wb) {
            return Integer.compare(wa, wb);
        }
        boolean ga = a.endsWith("*");
        boolean gb = b.endsWith("*");
        if (ga != gb) {
            return ga ? -1 : 1;
        }
        int pa = plusCount(a);
        int pb = plusCount(b);
        if (pa != pb) {
            return Integer.compare(pb, pa);
        }
        if (a.length() != b.length()) {
            return Integer.compare(a.length(), b.length());
        }
        return a.compareTo(b);
    }

    private static int firstWildcard(String pattern) {
        int star = pattern.endsWith("*") ? pattern.length() - 1 : Integer.MAX_VALUE;
        int plus = Integer.MAX_VALUE;
        String[] segments = pattern.split("/", -1);
        int offset = 0;
        for (String segment : segments) {
            if (segment.equals("+")) {
                plus = offset;
                break;
            }
            offset += segment.length() + 1;
        }
        return Math.min(star, plus);
    }

    private static int plusCount(String pattern) {
        int n = 0;
        for (String segment : pattern.split("/", -1)) {
            if (segment.equals("+")) {
                n++;
            }
        }
        return n;
    }
}
