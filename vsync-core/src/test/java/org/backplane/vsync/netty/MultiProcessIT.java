package org.backplane.vsync.netty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.check.HistoryEvent;
import org.backplane.vsync.check.HistoryFile;

/**
 * Five engine processes (separate JVMs) on loopback under ABCAST traffic: one is killed with
 * {@code kill -9}; one is stopped with SIGSTOP for less than the failure timeout (it is kept: no
 * view change drops it); one is stopped with SIGSTOP for longer than the timeout and then
 * continued: the group has moved on without it, it finds itself excluded and rejoins as a new
 * incarnation with state transfer. Every process's recorded history (the killed one's up to the
 * kill) is checked by the same checker as the simulation.
 */
@Timeout(300)
class MultiProcessIT {

    private final List<Child> children = new ArrayList<>();

    static final class Child {
        final String name;
        final Process process;
        final Path history;
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Writer stdin;

        Child(String name, Process process, Path history) {
            this.name = name;
            this.process = process;
            this.history = history;
            this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                    String l;
                    while ((l = r.readLine()) != null) {
                        lines.add(l);
                        System.out.println("[" + name + "] " + l);
                    }
                } catch (IOException ignored) {
                    // process gone
                }
            });
            t.setDaemon(true);
            t.start();
        }

        /** The latest VIEW line as {id, size, self, members}. */
        String[] lastView() {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("VIEW ")) {
                    String[] f = lines.get(i).split(" ", 5);
                    return new String[] {f[1], f[2], f[3], f[4]};
                }
            }
            return null;
        }

        void send(String s) throws IOException {
            stdin.write(s + "\n");
            stdin.flush();
        }
    }

    @AfterEach
    void killAll() {
        for (Child c : children) {
            if (c.process.isAlive()) {
                signal(c, "CONT");
                c.process.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Child start(String name, Path dir, int port, Integer seed) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx192m");
        cmd.add("-XX:TieredStopAtLevel=1");
        String flags = System.getProperty("backplane.jvm.flags", "");
        if (!flags.isBlank()) {
            cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(EngineProcessMain.class.getName());
        Path history = dir.resolve(name + ".history");
        cmd.add(name);
        cmd.add(history.toString());
        cmd.add(Integer.toString(port));
        if (seed != null) {
            cmd.add(Integer.toString(seed));
        }
        Process p = new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".log").toFile()).start();
        Child c = new Child(name, p, history);
        children.add(c);
        return c;
    }

    private static void signal(Child c, String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, Long.toString(c.process.pid())).start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, Duration max, java.util.function.BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + max.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static boolean inView(Child c, Predicate<String[]> p) {
        String[] v = c.lastView();
        return v != null && p.test(v);
    }

    @Test
    void killNineAndSigstopDuringAbcastTrafficKeepEveryGuarantee(@TempDir Path dir) throws Exception {
        int seedPort = freePort();
        Child first = start("p0", dir, seedPort, null);
        await("p0 founds the group", Duration.ofSeconds(60), () -> inView(first, v -> true));
        for (int i = 1; i < 5; i++) {
            start("p" + i, dir, freePort(), seedPort);
        }
        await("five members", Duration.ofSeconds(90),
                () -> children.stream().allMatch(c -> inView(c, v -> v[1].equals("5"))));
        Thread.sleep(1500);

        // kill -9 one member during traffic.
        Child killed = children.get(4);
        killed.process.destroyForcibly().waitFor();
        MemberId killedId = MemberId.parse(killed.lastView()[2]);
        Path crashLog = dir.resolve("harness.history");
        try (HistoryFile h = new HistoryFile(crashLog)) {
            h.crash(killedId);
        }
        List<Child> live = children.subList(0, 4);
        await("survivors drop the killed member", Duration.ofSeconds(30),
                () -> live.stream().allMatch(c -> inView(c, v -> v[1].equals("4"))));

        // A SIGSTOP shorter than the failure timeout: the member is kept.
        Child brief = children.get(2);
        String briefSelf = brief.lastView()[2];
        String viewBefore = brief.lastView()[0];
        signal(brief, "STOP");
        Thread.sleep(EngineProcessMain.CONFIG.failureTimeout().toMillis() / 3);
        signal(brief, "CONT");
        Thread.sleep(EngineProcessMain.CONFIG.failureTimeout().toMillis() * 2);
        assertTrue(inView(brief, v -> v[2].equals(briefSelf) && v[0].equals(viewBefore)),
                "a pause shorter than the timeout keeps the member in its view");

        // A SIGSTOP longer than the failure timeout: excluded, then back as a new incarnation.
        Child paused = children.get(3);
        String pausedSelf = paused.lastView()[2];
        signal(paused, "STOP");
        List<Child> others = children.subList(0, 3);
        await("the others exclude the stopped member", Duration.ofSeconds(30),
                () -> others.stream().allMatch(c -> inView(c, v -> v[1].equals("3"))));
        signal(paused, "CONT");
        await("the stopped member finds itself excluded", Duration.ofSeconds(30),
                () -> paused.lines.stream().anyMatch(l -> l.startsWith("EXCLUDED")));
        await("it rejoins as a new incarnation", Duration.ofSeconds(60),
                () -> inView(paused, v -> v[1].equals("4") && !v[2].equals(pausedSelf)
                        && MemberId.parse(v[2]).incarnation() > MemberId.parse(pausedSelf).incarnation()));
        await("everyone sees the four", Duration.ofSeconds(30),
                () -> live.stream().allMatch(c -> inView(c, v -> v[1].equals("4"))));
        Thread.sleep(1500);

        for (Child c : live) {
            c.send("stop");
        }
        for (Child c : live) {
            assertTrue(c.process.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), c.name + " exits");
            assertEquals(0, c.process.exitValue(), c.name + " exit code");
        }
        List<Path> files = new ArrayList<>();
        for (Child c : children) {
            files.add(c.history);
        }
        files.add(crashLog);
        List<HistoryEvent> events = HistoryFile.read(files);
        HistoryChecker.Result r = new HistoryChecker(true).check(events);
        System.out.println(r.describe("(multi-process run, histories in " + dir + ")"));
        assertTrue(r.ok(), r.describe("(multi-process run)"));
        assertTrue(r.deliveries() > 1000, "real traffic was checked: " + r.deliveries());
        assertTrue(Files.size(killed.history) > 0);
    }
}
