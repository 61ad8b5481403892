package dev.rotor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** rotor.adapters.*.topics: which topics carry which format, and their dead-letter topics. */
class AdapterSourcesTest {
    @Test
    void noTopicsByDefault() {
        final AdapterSources a = ConfigLoader.defaults(Map.of()).adapters();
        assertThat(a.sources()).isEmpty();
        assertThat(a.auditNotRelevant()).isTrue();
    }

    @Test
    void eachTopicHasItsFormatAndDeadLetterTopic() {
        final AdapterSources a = ConfigLoader.defaults(Map.of(
                        "rotor.adapters.ocsf.topics", "ocsf-events, okta-ocsf=okta-dlq",
                        "rotor.adapters.vault-audit.topics", "vault-audit",
                        "rotor.adapters.github.topics", "",
                        "rotor.adapters.aws.topics", " aws-security ,",
                        "rotor.adapters.audit-not-relevant", "false"))
                .adapters();
        assertThat(a.sources())
                .containsExactly(
                        new AdapterSources.Source(SourceFormat.OCSF, "ocsf-events", "ocsf-events-dlq"),
                        new AdapterSources.Source(SourceFormat.OCSF, "okta-ocsf", "okta-dlq"),
                        new AdapterSources.Source(SourceFormat.VAULT_AUDIT, "vault-audit", "vault-audit-dlq"),
                        new AdapterSources.Source(SourceFormat.AWS, "aws-security", "aws-security-dlq"));
        assertThat(a.auditNotRelevant()).isFalse();
    }

    @Test
    void theEnvironmentNamesFollowTheRule() {
        assertThat(Setting.ADAPTERS_VAULT_AUDIT_TOPICS.envName()).isEqualTo("ROTOR_ADAPTERS_VAULT_AUDIT_TOPICS");
        final RotorConfig c = ConfigLoader.load(
                Optional.empty(), Map.of("ROTOR_ADAPTERS_GITHUB_TOPICS", "github-secret-scanning"), Map.of());
        assertThat(c.adapters().sources())
                .extracting(AdapterSources.Source::topic)
                .containsExactly("github-secret-scanning");
    }

    @Test
    void mistakesAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.adapters.ocsf.topics", "bad topic")))
                .hasMessage("rotor.adapters.ocsf.topics: 'bad topic' is not a valid topic name (letters, digits, '.', "
                        + "'_', '-'; at most 249)");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.adapters.aws.topics", "security-events")))
                .hasMessage("rotor.adapters.aws.topics: 'security-events' is one of rotor's own topics");
        assertThatThrownBy(() -> ConfigLoader.defaults(
                        Map.of("rotor.adapters.ocsf.topics", "a", "rotor.adapters.aws.topics", "a")))
                .hasMessage("rotor.adapters.aws.topics: 'a' is listed more than once (a topic carries one format)");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.adapters.ocsf.topics", "a=a")))
                .hasMessage("rotor.adapters.ocsf.topics: 'a' cannot be its own dead-letter topic");
        assertThatThrownBy(() -> ConfigLoader.defaults(
                        Map.of("rotor.adapters.ocsf.topics", "a=b", "rotor.adapters.aws.topics", "b")))
                .hasMessage("rotor.adapters.ocsf.topics: dead-letter topic 'b' is also an input topic");
        assertThatThrownBy(() -> ConfigLoader.defaults(Map.of("rotor.adapters.audit-not-relevant", "yes")))
                .hasMessage("rotor.adapters.audit-not-relevant: must be true or false, got 'yes'");
    }
}
