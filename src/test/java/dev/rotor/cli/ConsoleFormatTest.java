package dev.rotor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotor.avro.AuditDecision;
import dev.rotor.avro.AuditRecord;
import dev.rotor.avro.ResultStatus;
import dev.rotor.avro.RotationResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleFormatTest {
    private static final Instant AT = Instant.parse("2026-12-06T10:30:00.412Z");

    private static AuditRecord audit(
            final AuditDecision decision, final String path, final String rule, final String reason) {
        return AuditRecord.newBuilder()
                .setAuditId("a1")
                .setDecision(decision)
                .setReason(reason)
                .setEventId("evt-1")
                .setSecretPath(path)
                .setRule(rule)
                .setRecordedAt(AT)
                .build();
    }

    private static RotationResult result(final ResultStatus status, final String error) {
        return RotationResult.newBuilder()
                .setCommandId("cmd-1")
                .setEventId("evt-1")
                .setSecretPath("secret/prod/payments/db")
                .setSuccess(status == ResultStatus.ROTATED)
                .setStatus(status)
                .setStrategy("kv2")
                .setRotationStartedAt(AT)
                .setRotationCompletedAt(AT)
                .setDurationMs(47)
                .setDetectionLatencyMs(478)
                .setError(error)
                .build();
    }

    @Test
    void aRotateDecisionShowsThePathTheDecisionAndTheRule() {
        assertThat(ConsoleFormat.decision(audit(
                        AuditDecision.ROTATE, "secret/prod/api-key", "critical-threat", "critical leaked_credential")))
                .isEqualTo("  decision  secret/prod/api-key          ROTATE            critical-threat");
    }

    @Test
    void otherDecisionsAlsoShowRotorsReason() {
        assertThat(ConsoleFormat.decision(audit(
                        AuditDecision.BELOW_THRESHOLD,
                        "secret/prod/login-service",
                        "failed-auth-threshold",
                        "7 of 10 within 15m")))
                .isEqualTo("  decision  secret/prod/login-service    BELOW_THRESHOLD   failed-auth-threshold"
                        + "  7 of 10 within 15m");
    }

    @Test
    void aDecisionWithoutASecretNamesTheEvent() {
        assertThat(ConsoleFormat.decision(audit(AuditDecision.INVALID, null, null, "threat_level must be one of low")))
                .startsWith("  decision  event evt-1")
                .contains("INVALID", "threat_level must be one of low");
    }

    @Test
    void aDecisionWithoutSecretOrEventIdIsAnUnreadableRecord() {
        final AuditRecord a = audit(AuditDecision.INVALID, null, null, "invalid event (UNKNOWN_FORMAT)");
        a.setEventId(null);

        assertThat(ConsoleFormat.decision(a)).startsWith("  decision  unreadable record            INVALID");
    }

    @Test
    void onlyDetectionDecisionsThatConcernAPersonAreShown() {
        assertThat(ConsoleFormat.shown(audit(AuditDecision.ROTATE, "secret/a", "r", "")))
                .isTrue();
        assertThat(ConsoleFormat.shown(audit(AuditDecision.SUPPRESSED, "secret/a", "r", "")))
                .isTrue();
        assertThat(ConsoleFormat.shown(audit(AuditDecision.INVALID, null, null, "")))
                .isTrue();
        assertThat(ConsoleFormat.shown(audit(AuditDecision.NOT_RELEVANT, null, null, "")))
                .isFalse();
        assertThat(ConsoleFormat.shown(audit(AuditDecision.ROTATION_STARTED, "secret/a", "r", "")))
                .isFalse();
        assertThat(ConsoleFormat.shown(audit(AuditDecision.VAULT_CALL, "secret/a", "r", "")))
                .isFalse();
        assertThat(ConsoleFormat.shown(audit(AuditDecision.ROTATION_FINISHED, "secret/a", "r", "")))
                .isFalse();
    }

    @Test
    void aRotationShowsStatusStrategyAndDurationAndAFailureItsError() {
        assertThat(ConsoleFormat.rotation(result(ResultStatus.ROTATED, null)))
                .isEqualTo("  rotation  secret/prod/payments/db      ROTATED           kv2       47 ms");
        assertThat(ConsoleFormat.rotation(result(ResultStatus.FAILED, "permission denied on secret/data/prod/x")))
                .isEqualTo("  rotation  secret/prod/payments/db      FAILED            kv2       47 ms"
                        + "  permission denied on secret/data/prod/x");
    }

    @Test
    void liveLinesStartWithTheUtcTimeTheyWereRecorded() {
        assertThat(ConsoleFormat.timed(AT, "  rotation  x")).isEqualTo("10:30:00Z  rotation  x");
    }

    @Test
    void theDemoTableHasOneAlignedRowPerSecret() {
        assertThat(ConsoleFormat.tableHeader())
                .isEqualTo("example                         secret                       result            strategy "
                        + "duration");
        assertThat(ConsoleFormat.tableRow("manual trigger", "secret/prod/manual", result(ResultStatus.ROTATED, null)))
                .isEqualTo("manual trigger                  secret/prod/manual           ROTATED           kv2      "
                        + "47 ms");
        assertThat(ConsoleFormat.tableRow("brute force", "secret/prod/admin", null))
                .isEqualTo("brute force                     secret/prod/admin            NO RESULT         -        -");
    }

    @Test
    void freeTextStaysOnOneShortLine() {
        assertThat(ConsoleFormat.text("line one\nline two\r\tend")).isEqualTo("line one line two  end");
        assertThat(ConsoleFormat.text("x".repeat(500)))
                .hasSize(ConsoleFormat.MAX_TEXT)
                .endsWith("…");
    }

    @Test
    void linesLeftOutAreSummedUpByKind() {
        final Map<String, Long> omitted = new LinkedHashMap<>();
        omitted.put("ROTATED", 50L);
        omitted.put("BELOW_THRESHOLD", 1200L);

        assertThat(ConsoleFormat.omitted(omitted))
                .isEqualTo("  ... 1250 more lines in the last second "
                        + "(BELOW_THRESHOLD 1200, ROTATED 50); /stats has the totals");
    }

    @Test
    void theThrottleShowsTwentyLinesASecondAndTalliesTheRest() {
        final AtomicLong now = new AtomicLong();
        final ConsoleFeed.Throttle throttle = new ConsoleFeed.Throttle(20, now::get);
        final List<String> printed = new ArrayList<>();

        for (int i = 0; i < 25; i++) {
            printed.addAll(throttle.offer("line " + i, i % 2 == 0 ? "ROTATED" : "FAILED"));
        }
        assertThat(printed).hasSize(20).last().isEqualTo("line 19");
        assertThat(throttle.flushIfDue()).as("the second is not over").isEmpty();

        now.addAndGet(1_000_000_000L);
        printed.addAll(throttle.offer("line 25", "ROTATED"));

        assertThat(printed.subList(20, 22))
                .containsExactly(
                        "  ... 5 more lines in the last second (FAILED 2, ROTATED 3); /stats has the totals",
                        "line 25");
        now.addAndGet(1_000_000_000L);
        assertThat(throttle.flushIfDue())
                .as("nothing was left out in a quiet second")
                .isEmpty();
    }
}
