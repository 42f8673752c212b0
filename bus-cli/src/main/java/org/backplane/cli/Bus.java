package org.backplane.cli;

import org.backplane.server.BusServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * The {@code bus} command: the root of the picocli command tree and the process entry point that
 * {@code ./bus} runs. Subcommands: {@code server}, {@code post}, {@code tail}, {@code topics},
 * {@code status}, {@code demo}, {@code bench}, {@code completion} (docs/cli.md describes each).
 *
 * <p>Exit codes, for every command: 0 success; 1 an error the command could not get past (one
 * line on stderr starting {@code bus: }); 2 a usage error (picocli's message and the usage).
 *
 * <p>{@link #execute} runs one invocation with explicit streams and environment, so tests can run
 * the CLI in-process; {@link #main} is the same with the process's own.
 */
@Command(name = "bus", mixinStandardHelpOptions = true, versionProvider = Bus.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {"Backplane: a publish/subscribe message bus whose topics keep their history.", ""},
        commandListHeading = "%nCommands:%n",
        footerHeading = "%n",
        footer = {"Client commands find the server with --servers HOST:PORT,... or $BUS_SERVERS "
                + "(default 127.0.0.1:7420).",
                "Run 'bus COMMAND --help' for a command's options. Documentation: docs/cli.md."})
public final class Bus implements Runnable {
    @Spec
    private CommandSpec spec;

    private Bus() {}

    /**
     * Runs {@code bus} with the process's stdin, stdout, stderr and environment, then exits the JVM
     * with the command's exit code. Called on the main thread.
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new BufferedWriter(
                new OutputStreamWriter(new FileOutputStream(FileDescriptor.out), StandardCharsets.UTF_8), 1 << 16));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        int code = execute(args, System.in, out, err, System.getenv());
        out.flush();
        err.flush();
        System.exit(code);
    }

    /**
     * Runs one {@code bus} invocation on the calling thread and returns its exit code (0, 1 or 2)
     * instead of exiting. {@code out} and {@code err} are flushed before it returns.
     *
     * @param args the command line, without the program name
     * @param in what the command reads as its standard input ({@code bus post} without TEXT)
     * @param env the environment ({@code BUS_SERVERS} is read from it)
     */
    public static int execute(String[] args, InputStream in, PrintWriter out, PrintWriter err,
                              Map<String, String> env) {
        CommandLine cl = commandLine(new Invocation(in, env));
        cl.setOut(out);
        cl.setErr(err);
        String[] own = args;
        int engine = BenchCommand.engineFlagIndex(args);
        if (engine >= 0) {
            // everything after 'bench --engine' belongs to the engine's benchmark, even names
            // that are also bench options (--warmup, --size)
            own = Arrays.copyOfRange(args, 0, engine + 1);
            ((BenchCommand) cl.getSubcommands().get("bench").getCommand())
                    .passToEngine(Arrays.copyOfRange(args, engine + 1, args.length));
        }
        try {
            return cl.execute(own);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The whole command tree, every command bound to {@code invocation}; for execute and completion. */
    static CommandLine commandLine(Invocation invocation) {
        CommandLine cl = new CommandLine(new Bus());
        cl.addSubcommand(new ServerCommand());
        cl.addSubcommand(new PostCommand(invocation));
        cl.addSubcommand(new TailCommand(invocation));
        cl.addSubcommand(new TopicsCommand(invocation));
        cl.addSubcommand(new StatusCommand(invocation));
        cl.addSubcommand(new DemoCommand());
        cl.addSubcommand(new BenchCommand());
        cl.addSubcommand(new CompletionCommand());
        cl.setExecutionExceptionHandler(new Failures());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** {@code bus} without a command is a usage error. */
    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** What {@code --version} prints. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"bus " + BusServer.VERSION + " (Backplane)",
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
