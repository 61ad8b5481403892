package dev.rotor.adapters;

import static dev.rotor.adapters.Fixtures.adapt;
import static dev.rotor.adapters.Fixtures.edited;
import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.SecurityEvent;
import dev.rotor.config.SourceFormat;
import dev.rotor.testing.FakeCredentials;
import dev.rotor.testing.FakeCredentials.Fake;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Adapted events are redacted like native ones: what a foreign record says in its free text (an OCSF message and status
 * detail here) reaches the event only with its credentials hidden, since every adapter builds its events through the
 * same normalisation.
 */
class AdapterRedactionTest {
    private static final String WINDOWS_4625 = "ocsf--authentication-3002-failure-windows-4625.json";

    @Test
    void credentialsInAnOcsfMessageAreHiddenInTheAdaptedEvent() {
        final Fake bearer = find("authorization-bearer");
        final Fake jwt = find("jwt");

        final Adaptation a = adapt(
                SourceFormat.OCSF,
                edited(WINDOWS_4625, n -> n.put("message", bearer.text()).put("status_detail", jwt.text())));

        final SecurityEvent e = a.events().get(0);
        assertThat(e.getDescription())
                .withFailMessage("the description is not redacted as expected")
                .isEqualTo("header Authorization: Bearer [REDACTED] was replayed (session [REDACTED] replayed)");
        assertThat(FakeCredentials.leaks(
                        FakeCredentials.secretsOf(List.of(bearer, jwt), Map.of()), Map.of("event", e.toString())))
                .isEmpty();
        assertThat(e.getAffectedResources()).containsExactly("secret/windows/6KJ2BPP/administrator");
    }

    private static Fake find(final String name) {
        return FakeCredentials.all().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}
