package dev.rotor.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.util.FileSize;
import dev.rotor.config.ConfigException;
import dev.rotor.service.RotorService;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the log lines of {@code rotor run} and {@code rotor local} go. {@code logback.xml} (the jar's default) writes
 * everything to standard output; this class rewires it once, at the start of a command.
 *
 * <ol>
 *   <li><b>For people (the default).</b> The full log (what {@code logback.xml} would print, without the topology
 *       descriptions) goes to a file, rolled at {@value #ROLL_SIZE} into at most {@value #ROLLED_FILES} older files
 *       ({@code rotor.log.1} ...); the console keeps rotor's own warnings and any error, in a short form, between the
 *       command's own lines ({@link WarningsForPeople}).
 *   <li><b>Verbose.</b> Today's output: everything on standard output, topology descriptions included; also to a file
 *       when one is named.
 *   <li><b>The operator's configuration wins.</b> With {@code -Dlogback.configurationFile} nothing is changed, and
 *       {@link #operatorConfigured()} tells the command to behave as verbose.
 *   <li><b>Fails early.</b> A log file that cannot be written is a configuration error naming {@code --log-file}.
 * </ol>
 */
final class Logging {
    static final String ROLL_SIZE = "50MB";
    static final int ROLLED_FILES = 5;
    private static final String FILE_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{36} - %msg%n";
    private static final String CONSOLE_PATTERN = "%d{HH:mm:ss'Z',UTC} %-5level %msg%n";
    /** The appender of {@code logback.xml}. */
    private static final String STDOUT = "STDOUT";

    private Logging() {}

    /** True when the operator chose the logging configuration ({@code -Dlogback.configurationFile}). */
    static boolean operatorConfigured() {
        return System.getProperty("logback.configurationFile") != null;
    }

    /**
     * Sends the full log to {@code file} and only warnings and errors to the console (see the class notes). Nothing
     * happens when the operator configured logging or another SLF4J binding is in use.
     */
    static void forPeople(final Path file) {
        final LoggerContext context = context();
        if (context == null) {
            return;
        }
        writable(file);
        final ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAppender(STDOUT);
        root.addAppender(file(context, file));
        final ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(encoder(context, CONSOLE_PATTERN));
        console.addFilter(new WarningsForPeople());
        console.start();
        root.addAppender(console);
        context.getLogger(RotorService.TOPOLOGY_LOGGER).setLevel(Level.WARN);
    }

    /** Leaves {@code logback.xml}'s standard output as it is and, when {@code file} is given, copies it there too. */
    static void verbose(final Path file) {
        final LoggerContext context = context();
        if (context == null || file == null) {
            return;
        }
        writable(file);
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(file(context, file));
    }

    private static LoggerContext context() {
        if (operatorConfigured()) {
            return null;
        }
        final ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        return factory instanceof LoggerContext c ? c : null;
    }

    private static void writable(final Path file) {
        try {
            final Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                out.flush();
            }
        } catch (final IOException | SecurityException e) {
            throw new ConfigException(
                    "--log-file",
                    "cannot write " + file + " (" + e.getClass().getSimpleName() + "); name a writable file");
        }
    }

    private static RollingFileAppender<ILoggingEvent> file(final LoggerContext context, final Path file) {
        final RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName("FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder(context, FILE_PATTERN));
        final FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
        rolling.setContext(context);
        rolling.setParent(appender);
        rolling.setFileNamePattern(file + ".%i");
        rolling.setMinIndex(1);
        rolling.setMaxIndex(ROLLED_FILES);
        rolling.start();
        final SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
        trigger.setContext(context);
        trigger.setMaxFileSize(FileSize.valueOf(ROLL_SIZE));
        trigger.start();
        appender.setRollingPolicy(rolling);
        appender.setTriggeringPolicy(trigger);
        appender.start();
        return appender;
    }

    private static PatternLayoutEncoder encoder(final LoggerContext context, final String pattern) {
        final PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    /**
     * What reaches a person's console: any error, and rotor's own warnings (an alarm raised, Vault refusing the token,
     * an ignored setting). Left in the file: a library's warnings (Kafka's retries while topics are created, a
     * transaction retried: routine, retried by the library), and the warnings of rotor's loggers that describe one
     * record or one retry ({@link #PER_RECORD}), since the console already shows that record's decision or rotation,
     * within its line budget; a flood of bad input or a Vault outage must not flood the console.
     */
    static final class WarningsForPeople extends Filter<ILoggingEvent> {
        static final Set<String> PER_RECORD = Set.of(
                "dev.rotor.streams.DeadLetterHandler", "dev.rotor.detection.DecodeSecurityEvents",
                "dev.rotor.vault.VaultRotator", "dev.rotor.vault.RotationRun");

        @Override
        public FilterReply decide(final ILoggingEvent event) {
            final Level level = event.getLevel();
            if (level.isGreaterOrEqual(Level.ERROR)) {
                return FilterReply.NEUTRAL;
            }
            final String logger = event.getLoggerName();
            return level.isGreaterOrEqual(Level.WARN) && logger.startsWith("dev.rotor.") && !PER_RECORD.contains(logger)
                    ? FilterReply.NEUTRAL
                    : FilterReply.DENY;
        }
    }
}
