/**
 * What {@code rotor local} runs besides rotor: a single-node KRaft broker in a child process
 * ({@link dev.rotor.local.LocalKafka}, {@link dev.rotor.local.ChildBroker}) and the secrets it seeds into the dev Vault
 * ({@link dev.rotor.local.LocalSeed}). The dev Vault itself is {@code dev.rotor.devvault}.
 */
package dev.rotor.local;
