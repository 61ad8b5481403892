package dev.rotor.config;

import java.util.List;
import java.util.Map;

/**
 * One entry of {@code rotation-targets.yaml}'s {@code principals:} as Jackson binds it; {@link PrincipalMappings}
 * checks what the values mean.
 *
 * @param source the adapter format ({@code ocsf}, {@code vault-audit}, ...)
 * @param match principal attribute → glob; every one must match
 * @param secret the secret path template, or null when {@code secrets} lists several
 * @param secrets several secret path templates, or null
 */
record PrincipalEntry(String source, Map<String, String> match, String secret, List<String> secrets) {}
