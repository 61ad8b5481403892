package dev.rotor.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.rotor.vault.RotationOutcome.Kind;
import dev.rotor.vault.RotationOutcome.VaultCall;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The database, transit, lease and AWS strategies against the dev Vault: the endpoint is called, state changes. */
class EngineRotationTest {
    private static final String TARGETS = """
            targets:
              - pattern: "database/static-roles/*"
                strategy: database-static-role
                dependents: ["secret/app/uses-db"]
              - pattern: "database/config/*"
                strategy: database-root
              - pattern: "database/creds/**"
                strategy: lease-revoke-prefix
              - pattern: "transit/keys/*"
                strategy: transit
              - pattern: "aws/**"
                strategy: aws-root
              - pattern: "secret/db-role-alias"
                strategy: database-static-role
                mount: database
                name: aliased
            """;

    @RegisterExtension
    static final VaultFixture fx = new VaultFixture();

    private static VaultRotator rotator;

    @BeforeAll
    static void start() {
        rotator = fx.rotator(TARGETS);
    }

    @Test
    void databaseStaticRoleIsRotatedByRotateRole() {
        fx.vault.addDatabaseStaticRole("app", "app_user");
        final String before = fx.vault.staticRolePassword("app");

        final RotationOutcome o = rotator.rotate(VaultFixture.request("database/static-roles/app"));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.strategy()).isEqualTo("database-static-role");
        assertThat(o.calls())
                .extracting(VaultCall::method, VaultCall::path, VaultCall::status)
                .containsExactly(
                        tuple("GET", "database/static-roles/app", 200), tuple("POST", "database/rotate-role/app", 204));
        assertThat(fx.vault.staticRoleRotations("app")).isEqualTo(1);
        assertThat(before.equals(fx.vault.staticRolePassword("app")))
                .as("password changed")
                .isFalse();
        assertThat(o.dependents()).containsExactly("secret/app/uses-db");
    }

    @Test
    void nameAndMountOptionsOverrideThePath() {
        fx.vault.addDatabaseStaticRole("aliased", "alias_user");

        final RotationOutcome o = rotator.rotate(VaultFixture.request("secret/db-role-alias"));

        assertThat(o.kind()).isEqualTo(Kind.ROTATED);
        assertThat(o.calls())
                .extracting(VaultCall::path)
                .containsExactly("database/static-roles/aliased", "database/rotate-role/aliased");
        assertThat(fx.vault.staticRoleRotations("aliased")).isEqualTo(1);
    }

    @Test
    void unknownStaticRoleFailsAtOnceWithVaultsReason() {
        final RotationOutcome o = rotator.rotate(VaultFixture.request("database/static-roles/nope"));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error()).isEqualTo("database/static-roles/nope not found");
        assertThat(o.calls()).hasSize(1);
        assertThat(fx.count("POST", "database/rotate-role/nope")).isZero();
        assertThat(o.dependents()).isEmpty();
    }

    @Test
    void databaseRootIsRotatedByRotateRootAndRetriedAfterTransientErrors() {
        fx.vault.addDatabaseConnection("pg");
        fx.vault.failNextMatching("database/rotate-root/pg", 2, 503);

        final RotationOutcome o = rotator.rotate(VaultFixture.request("database/config/pg"));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.calls()).extracting(VaultCall::path).containsOnly("database/rotate-root/pg");
        assertThat(o.calls()).extracting(VaultCall::status).containsExactly(503, 503, 204);
        assertThat(fx.vault.databaseRootRotations("pg")).isEqualTo(1);
    }

    @Test
    void aCancelBeforeTheRotateCallStopsAndACancelDuringItsRetriesIsIgnored() {
        fx.vault.addTransitKey("cancelled");
        final RotationOutcome early = rotator.rotate(VaultFixture.request("transit/keys/cancelled")
                .withCancellation(() -> fx.count("GET", "transit/keys/cancelled") > 0));

        assertThat(early.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(fx.count("POST", "transit/keys/cancelled/rotate")).isZero();
        assertThat(fx.vault.transitLatestVersion("cancelled")).isEqualTo(1);

        // the first rotate attempt may have been applied: from then on the retries run to the end
        fx.vault.addDatabaseConnection("pg-cancel");
        fx.vault.failNextMatching("database/rotate-root/pg-cancel", 2, 503);
        final RotationOutcome late = rotator.rotate(VaultFixture.request("database/config/pg-cancel")
                .withCancellation(() -> fx.count("POST", "database/rotate-root/pg-cancel") > 0));

        assertThat(late.kind()).isEqualTo(Kind.ROTATED);
        assertThat(late.calls()).extracting(VaultCall::status).containsExactly(503, 503, 204);
        assertThat(fx.vault.databaseRootRotations("pg-cancel")).isEqualTo(1);
    }

    @Test
    void transitKeyGetsANewVersion() {
        fx.vault.addTransitKey("payments");

        final RotationOutcome o = rotator.rotate(VaultFixture.request("transit/keys/payments"));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.oldVersion()).isEqualTo(1L);
        assertThat(o.newVersion()).isEqualTo(2L);
        assertThat(o.calls())
                .extracting(VaultCall::method, VaultCall::path)
                .containsExactly(tuple("GET", "transit/keys/payments"), tuple("POST", "transit/keys/payments/rotate"));
        assertThat(fx.vault.transitLatestVersion("payments")).isEqualTo(2);
    }

    @Test
    void unknownTransitKeyFails() {
        final RotationOutcome o = rotator.rotate(VaultFixture.request("transit/keys/missing"));

        assertThat(o.kind()).isEqualTo(Kind.FAILED);
        assertThat(o.error()).contains("transit/keys/missing");
        assertThat(fx.count("POST", "transit/keys/missing/rotate")).isZero();
    }

    @Test
    void leasesUnderThePathAreRevoked() {
        fx.vault.addLease("database/creds/app/lease-a");
        fx.vault.addLease("database/creds/app/lease-b");
        fx.vault.addLease("database/creds/other/lease-c");

        final RotationOutcome o = rotator.rotate(VaultFixture.request("database/creds/app"));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.calls())
                .extracting(VaultCall::path, VaultCall::status)
                .containsExactly(tuple("sys/leases/revoke-prefix/database/creds/app", 204));
        assertThat(fx.vault.leaseExists("database/creds/app/lease-a")).isFalse();
        assertThat(fx.vault.leaseExists("database/creds/app/lease-b")).isFalse();
        assertThat(fx.vault.leaseExists("database/creds/other/lease-c")).isTrue();
    }

    @Test
    void awsRootKeyIsRotated() {
        final String before = fx.vault.awsRootAccessKey();

        final RotationOutcome o = rotator.rotate(VaultFixture.request("aws/config/root"));

        assertThat(o.kind()).as(String.valueOf(o.error())).isEqualTo(Kind.ROTATED);
        assertThat(o.calls())
                .extracting(VaultCall::method, VaultCall::path, VaultCall::status)
                .containsExactly(tuple("GET", "aws/config/root", 200), tuple("POST", "aws/config/rotate-root", 200));
        assertThat(fx.vault.awsRootRotations()).isEqualTo(1);
        assertThat(fx.vault.awsRootAccessKey()).isNotEqualTo(before);
    }
}
