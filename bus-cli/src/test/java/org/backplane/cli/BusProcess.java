package org.backplane.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: {@code bus} as a child process, the way {@code ./bus} runs it: this JVM's java,
 * the Chronicle flags from {@code backplane.jvm.flags}, the test classpath, main
 * {@code org.backplane.cli.Bus}. Collects stdout and stderr lines on background threads.
 */
final class BusProcess implements AutoCloseable {
    private final Process process;
    private final List<String> out = Collections.synchronizedList(new ArrayList<>());
    private final List<String> err = Collections.synchronizedList(new ArrayList<>());
    private final Thread outReader;
    private final Thread errReader;

    private BusProcess(Process process) {
        this.process = process;
        this.outReader = reader(process.getInputStream(), out, "out");
        this.errReader = reader(process.getErrorStream(), err, "err");
    }

    /** Starts {@code bus args...} in {@code workDir}. */
    static BusProcess start(Path workDir, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String flags = System.getProperty("backplane.jvm.flags", "");
        if (!flags.isBlank()) {
            cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Bus.class.getName()));
        cmd.addAll(Arrays.asList(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
            pb.environment().remove(Invocation.SERVERS_VARIABLE);
            return new BusProcess(pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts {@code bus server --listen 127.0.0.1:PORT [options]} in {@code workDir} and waits
     * until it accepts connections.
     */
    static BusProcess startServer(Path workDir, int port, String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "server";
        args[1] = "--listen";
        args[2] = "127.0.0.1:" + port;
        System.arraycopy(options, 0, args, 3, options.length);
        BusProcess p = start(workDir, args);
        p.awaitListening(port, 60_000);
        return p;
    }

    /** Runs {@code bus args...} to completion with {@code stdin}, at most {@code timeoutSeconds}. */
    static Cli.Result run(Path workDir, String stdin, long timeoutSeconds, String... args) throws InterruptedException {
        try (BusProcess p = start(workDir, args)) {
            try (OutputStream in = p.process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int code = p.waitFor(timeoutSeconds);
            return new Cli.Result(code, String.join("\n", p.out()) + (p.out().isEmpty() ? "" : "\n"),
                    String.join("\n", p.err()) + (p.err().isEmpty() ? "" : "\n"));
        }
    }

    private static Thread reader(InputStream stream, List<String> lines, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // process gone
            }
        }, "bus-process-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for the process to exit, then for its output to be read; fails after the timeout. */
    int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError("bus did not exit within " + timeoutSeconds + " s; stderr: " + err());
        }
        outReader.join(5000);
        errReader.join(5000);
        return process.exitValue();
    }

    /** Waits until something accepts connections on {@code port}, failing if the process dies first. */
    void awaitListening(int port, long timeoutMillis) {
        Await.until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("bus exited with " + process.exitValue() + " before listening; stderr: " + err());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }, timeoutMillis, "bus server to listen on port " + port);
    }

    /**
     * Sends SIGTERM. Through the process handle: {@link Process#destroy()} would also close our
     * ends of the child's pipes, losing what it logs while it shuts down.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Closes our end of the child's stdout, as a reader like {@code head} does when it has enough. */
    void closeStdout() throws IOException {
        process.getInputStream().close();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    List<String> out() {
        synchronized (out) {
            return List.copyOf(out);
        }
    }

    List<String> err() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    /** A port nothing listens on right now. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
