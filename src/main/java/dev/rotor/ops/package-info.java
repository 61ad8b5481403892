/**
 * Operating rotor: {@link dev.rotor.ops.OpsServer} serves {@code /health/live}, {@code /health/ready}, {@code /metrics}
 * and {@code /stats}; {@link dev.rotor.ops.RotorMetrics} holds the meters (Kafka Streams, JVM and rotor's own);
 * {@link dev.rotor.ops.Statistics} reads DESIGN.md §6's statistics from the state stores; readiness asks
 * {@link dev.rotor.topics.AdminTopicsCheck} whether rotor's topics exist. Nothing here knows a secret value.
 */
package dev.rotor.ops;
