package dev.rotor.local;

/**
 * Main class of the broker child JVM started by {@link LocalKafka}: exits when its parent process does, however the
 * parent ended (Ctrl-C, kill -9, a crashed test), so no broker is ever left running alone; then runs Kafka's own main.
 */
public final class ChildBroker {
    private ChildBroker() {}

    /** {@code args[0]}: the parent's pid; the rest: kafka.Kafka's arguments. */
    public static void main(final String[] args) throws Exception {
        final long parent = Long.parseLong(args[0]);
        ProcessHandle.of(parent).ifPresentOrElse(p -> p.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
        final String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        kafka.Kafka.main(rest);
    }
}
