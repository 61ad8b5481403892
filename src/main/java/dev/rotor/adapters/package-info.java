/**
 * Adapters: pure functions from what SIEMs and scanners really publish — OCSF, Vault's audit log, GitHub secret
 * scanning webhooks, CloudTrail / GuardDuty / Security Hub (ASFF) / AWS Health, Elastic Common Schema authentication
 * events — to rotor's {@link dev.rotor.avro.SecurityEvent}s.
 *
 * <p>Each {@link dev.rotor.adapters.SourceAdapter} reads one record (a Jackson tree) and returns an
 * {@link dev.rotor.adapters.Adaptation}: the normalised events whose principals map to secrets (through the
 * {@code principals:} section of {@code rotation-targets.yaml}), the events whose principals map to none, and the
 * records that are no security event, each with the reason. A record it cannot read raises an
 * {@link dev.rotor.events.InvalidEventException}. Adapters know nothing of Kafka Streams; the detection topology runs
 * their output through the same validation, path policy, rules, windows and audit as native events.
 */
package dev.rotor.adapters;
