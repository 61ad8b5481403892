package dev.rotor.vault;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Optional;

/**
 * Exactly once for the strategies whose change Vault lets rotor observe but not mark (transit, database, aws): the
 * state the change alters is read first and its fingerprint recorded as the command's intent ({@link IntentLog}),
 * durably, before the change is sent; then:
 *
 * <ul>
 *   <li><b>A replay</b> (an earlier attempt recorded an intent) reads the state again: changed since the intent → the
 *       earlier attempt's change was applied, and it is not sent again; unchanged → it was not, and it is sent now.
 *   <li><b>No answer</b> to the change (timeout, dropped connection, 5xx other than 503): the state is read again;
 *       changed → applied; unchanged → sent again after a backoff. 429 and 503 (sealed, standby) mean Vault did not
 *       take the request, and it is sent again without reading.
 *   <li><b>Nothing to observe</b> (database root credentials; or a token that may not read the state): the change is
 *       sent once; when a replay or a missing answer leaves it unknown whether it was applied, the outcome is
 *       OUTCOME_UNKNOWN, never a second change.
 * </ul>
 *
 * Limit: a change made by someone else between the intent and the replay's read counts as this command's (the secret
 * was rotated after the trigger either way).
 */
final class ObservedChange {
    /** Reads the fingerprint of the state the change alters; {@link IntentLog#UNOBSERVABLE} when it cannot. */
    @FunctionalInterface
    interface Observer {
        String fingerprint() throws RotationFailure;
    }

    /**
     * What happened: {@code before} is the fingerprint before the change (the earlier attempt's, on a replay whose
     * change had been applied), {@code changedNow} whether this attempt sent the change that was applied, and
     * {@code answer} Vault's answer to it (null when applied without an answer, or by an earlier attempt).
     */
    record Applied(String before, boolean changedNow, VaultResponse answer) {}

    private ObservedChange() {}

    /**
     * Applies {@code POST apiPath} exactly once; {@code what} names the state for people ("the transit key's version").
     */
    static Applied apply(final RotationRun run, final String apiPath, final Observer observe, final String what)
            throws RotationFailure {
        final String before = observe.fingerprint();
        final Optional<String> earlier = run.request().intents().recorded();
        if (earlier.isPresent()) {
            if (earlier.get().equals(IntentLog.UNOBSERVABLE) || before.equals(IntentLog.UNOBSERVABLE)) {
                throw RotationFailure.outcomeUnknown(
                        "an earlier attempt of this command may have sent POST " + apiPath
                                + " before it stopped, and Vault shows nothing that tells whether it did; not sent "
                                + "again: "
                                + "check " + what,
                        null);
            }
            if (!earlier.get().equals(before)) {
                return new Applied(earlier.get(), false, null);
            }
        } else {
            run.recordIntent(before);
        }
        run.beginChange();
        final Backoff.Sequence delays = run.delays();
        while (true) {
            try {
                return new Applied(before, true, run.sendChange(apiPath, JsonNodeFactory.instance.objectNode()));
            } catch (final VaultCallException e) {
                if (!e.isTransient()) {
                    throw RotationFailure.of(e);
                }
                if (!notTaken(e)) {
                    if (before.equals(IntentLog.UNOBSERVABLE)) {
                        throw RotationFailure.outcomeUnknown(
                                e.getMessage() + "; Vault shows nothing that tells "
                                        + "whether it was applied; not sent again: check " + what,
                                e);
                    }
                    final String now = observe.fingerprint();
                    if (now.equals(IntentLog.UNOBSERVABLE)) {
                        throw RotationFailure.outcomeUnknown(
                                e.getMessage() + "; " + what + " can no longer be "
                                        + "read to tell whether it was applied; not sent again: check it",
                                e);
                    }
                    if (!now.equals(before)) {
                        return new Applied(before, true, null);
                    }
                }
                run.pause(delays, e);
            }
        }
    }

    /** 429 and 503 (sealed, standby, rate limited): Vault refused the request without acting on it. */
    private static boolean notTaken(final VaultCallException e) {
        return e.status() == 429 || e.status() == 503;
    }

    /**
     * Reads {@code apiPath} and fingerprints it with {@code field}; {@link IntentLog#UNOBSERVABLE} when the token may
     * not read it or the field is absent. A 404 fails the rotation: what is to be rotated does not exist.
     */
    static String fingerprintOf(final RotationRun run, final String apiPath, final String field)
            throws RotationFailure {
        try {
            final String v = run.read(apiPath).data().path(field).asText("");
            return v.isEmpty() ? IntentLog.UNOBSERVABLE : v;
        } catch (final RotationFailure f) {
            if (f.vaultError() != null && f.vaultError().kind() == VaultCallException.Kind.PERMISSION_DENIED) {
                return IntentLog.UNOBSERVABLE;
            }
            throw f;
        }
    }
}
