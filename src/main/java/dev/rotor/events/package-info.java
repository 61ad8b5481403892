/**
 * What every layer knows about a security event, whatever its wire format or source: the limits its fields must keep
 * ({@link dev.rotor.events.EventLimits}), the timestamp shapes rotor accepts ({@link dev.rotor.events.Timestamps}), why
 * one is refused ({@link dev.rotor.events.InvalidEventException}, with the dead-letter code) and how rotor derives its
 * deterministic ids ({@link dev.rotor.events.Hashing}).
 */
package dev.rotor.events;
