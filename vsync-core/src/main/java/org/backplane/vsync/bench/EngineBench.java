package org.backplane.vsync.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.GroupListener;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.api.VsyncNode;

/**
 * The engine benchmark: {@code N} members (default 3) in {@code N} JVMs on loopback, every member
 * multicasting messages of {@code size} bytes (default 1 KiB) as fast as its send window allows,
 * first ABCAST, then CBCAST. Reports, per phase, the messages each member delivers per second
 * (the figure JGroups' MPerf reports per node), the MB/s that is, the cluster's send rate, and the
 * latency percentiles from HdrHistogram in two places: at the sender (multicast call to its own
 * delivery) and at every member (multicast call to the delivery there; the JVMs share one machine,
 * hence one clock). {@code --rate} paces each member instead (one message per hand-over) for the
 * latency at low load; {@code --safe} asks for safe (uniform) delivery; {@code --phases} picks the
 * orderings. Before the measured phases, every phase runs unmeasured for {@code --jit-warmup}
 * seconds (default 2) as fast as the window allows, so the JIT has compiled the hot paths of every
 * phase: a paced warm-up of a few seconds at 2,000 msgs/s leaves C2 compiling (the busiest thread
 * of each JVM) through the measured window of the first phase, and the phases after it then look
 * faster only for running second.
 *
 * <pre>
 * java -cp vsync-core.jar:deps/* org.backplane.vsync.bench.EngineBench [--members 3] [--size 1024] [--seconds 20] [--warmup 5]
 *      [--rate MSGS_PER_S_PER_MEMBER] [--safe] [--phases ABCAST,CBCAST] [--batch 256] [--jit-warmup 2]
 * </pre>
 *
 * Runs in the calling thread; starts and ends its child JVMs itself.
 */
public final class EngineBench {

    private EngineBench() {
    }

    /** Entry point; see the class comment for options. */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        int members = 3;
        int size = 1024;
        int seconds = 20;
        int warmup = 5;
        int batch = 256;
        List<String> phases = List.of("ABCAST", "CBCAST");
        int rate = 0;
        boolean safe = false;
        int jitWarmup = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--members" -> members = Integer.parseInt(args[++i]);
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--phases" -> phases = List.of(args[++i].split(","));
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--safe" -> safe = true;
                case "--jit-warmup" -> jitWarmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (use --members N --size BYTES --seconds S --warmup S --batch K --phases ABCAST,CBCAST"
                        + " --rate MSGS_PER_S_PER_MEMBER --safe --jit-warmup S)");
            }
        }
        coordinate(members, size, seconds, warmup, batch, phases, rate, safe, jitWarmup);
    }

    private record Child(Process process, Writer stdin, BlockingQueue<String> lines) {
        void send(String s) throws IOException {
            stdin.write(s + "\n");
            stdin.flush();
        }

        String await(String prefix, long seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null && l.startsWith(prefix)) {
                    return l;
                }
            }
            throw new IllegalStateException("timed out waiting for " + prefix);
        }
    }

    private static void coordinate(int members, int size, int seconds, int warmup, int batch, List<String> phases,
                                   int rate, boolean safe, int jitWarmup) throws Exception {
        System.out.printf("engine bench: %d members (JVMs) on loopback, %d B messages%s, every member sending %s, "
                + "%d s measured after %d s warm-up, hand-over batch %d%n", members, size, safe ? " (safe delivery)" : "",
                rate > 0 ? rate + " msgs/s" : "as fast as its window allows", seconds, warmup, rate > 0 ? 1 : batch);
        List<Child> children = new ArrayList<>();
        int seedPort = freePort();
        try {
            for (int i = 0; i < members; i++) {
                int port = i == 0 ? seedPort : freePort();
                List<String> cmd = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xms512m", "-Xmx1g", "-XX:+UseParallelGC"));
                String extra = System.getenv("BENCH_CHILD_OPTS");
                if (extra != null && !extra.isBlank()) {
                    cmd.addAll(List.of(extra.replace("%i", Integer.toString(i)).trim().split("\\s+")));
                }
                cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                        EngineBench.class.getName(), "--child", "m" + i, Integer.toString(port),
                        Integer.toString(seedPort), Integer.toString(members), Integer.toString(size),
                        Integer.toString(batch)));
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BlockingQueue<String> q = new LinkedBlockingQueue<>();
                Thread t = new Thread(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                        String l;
                        while ((l = r.readLine()) != null) {
                            q.add(l);
                        }
                    } catch (IOException ignored) {
                        // child ended
                    }
                });
                t.setDaemon(true);
                t.start();
                Child c = new Child(p, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), q);
                children.add(c);
                if (i == 0) {
                    c.await("JOINED", 60);
                }
            }
            for (Child c : children) {
                c.await("READY", 120);
            }
            if (jitWarmup > 0) {
                System.out.printf("JIT warm-up: every phase %d s unmeasured, as fast as the window allows%n", jitWarmup);
                for (String phase : phases) {
                    for (Child c : children) {
                        c.send("GO " + phase + " 0 " + jitWarmup + " 0 " + safe);
                    }
                    for (Child c : children) {
                        c.await("RESULT", jitWarmup + 120L);
                    }
                }
            }
            for (String phase : phases) {
                for (Child c : children) {
                    c.send("GO " + phase + " " + warmup + " " + seconds + " " + rate + " " + safe);
                }
                double perNode = 0;
                double sendRate = 0;
                Histogram own = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                Histogram any = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
                for (Child c : children) {
                    String[] f = c.await("RESULT", seconds + warmup + 120L).split(" ");
                    perNode += Double.parseDouble(f[2]);
                    sendRate += Double.parseDouble(f[3]);
                    own.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(f[4])), 0));
                    any.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(f[5])), 0));
                }
                perNode /= members;
                System.out.printf("RESULT engine=%s%s members=%d size=%d per_node_delivered_msgs_per_s=%.0f MB_per_s=%.1f "
                                + "cluster_delivered_msgs_per_s=%.0f (as MPerf Average/cluster) cluster_sent_msgs_per_s=%.0f "
                                + "latency_us p50=%.0f p90=%.0f p99=%.0f p999=%.0f max=%.0f at_every_member %s%n",
                        phase, safe ? "/safe" : "", members, size, perNode, perNode * size / 1e6, perNode * members, sendRate,
                        own.getValueAtPercentile(50) / 1e3, own.getValueAtPercentile(90) / 1e3,
                        own.getValueAtPercentile(99) / 1e3, own.getValueAtPercentile(99.9) / 1e3,
                        own.getMaxValue() / 1e3, percentiles(any));
            }
            for (Child c : children) {
                c.send("EXIT");
            }
            for (Child c : children) {
                c.process().waitFor(20, TimeUnit.SECONDS);
            }
        } finally {
            for (Child c : children) {
                c.process().destroyForcibly();
            }
        }
    }

    private static String percentiles(Histogram h) {
        return String.format("p50=%.0f p90=%.0f p99=%.0f p999=%.0f max=%.0f", h.getValueAtPercentile(50) / 1e3,
                h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3,
                h.getMaxValue() / 1e3);
    }

    private static String encode(Histogram h) {
        ByteBuffer enc = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        h.encodeIntoCompressedByteBuffer(enc);
        enc.flip();
        byte[] bytes = new byte[enc.remaining()];
        enc.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Child mode: one member. Args: --child name port seedPort members size batch. */
    private static void child(String[] a) throws Exception {
        String name = a[1];
        int port = Integer.parseInt(a[2]);
        int seedPort = Integer.parseInt(a[3]);
        int members = Integer.parseInt(a[4]);
        int size = Integer.parseInt(a[5]);
        int batch = Integer.parseInt(a[6]);
        VsyncConfig cfg = VsyncConfig.DEFAULTS.withFailureDetection(Duration.ofMillis(500), Duration.ofSeconds(10));
        VsyncNode.Builder b = VsyncNode.builder(name).listen("127.0.0.1", port).config(cfg);
        if (port != seedPort) {
            b.seeds(List.of(new InetSocketAddress("127.0.0.1", seedPort)));
        }
        VsyncNode node = b.start();
        Counter counter = new Counter(node);
        Group g = node.join("bench", counter);
        g.joined().get(60, TimeUnit.SECONDS);
        System.out.println("JOINED");
        while (g.view() == null || g.view().size() < members) {
            Thread.sleep(20);
        }
        System.out.println("READY");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split(" ");
            if (f[0].equals("EXIT")) {
                break;
            }
            Ordering ordering = Ordering.valueOf(f[1]);
            int warmup = Integer.parseInt(f[2]);
            int seconds = Integer.parseInt(f[3]);
            int rate = Integer.parseInt(f[4]);
            boolean safe = Boolean.parseBoolean(f[5]);
            int perHandOver = rate > 0 ? 1 : batch;
            long intervalNs = rate > 0 ? 1_000_000_000L / rate : 0;
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
            long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            counter.window(measureFrom, measureTo);
            long sentInWindow = 0;
            long nextAt = start;
            while (System.nanoTime() < measureTo) {
                if (intervalNs > 0) {
                    nextAt += intervalNs;
                    long wait = nextAt - System.nanoTime();
                    if (wait > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                    }
                }
                List<byte[]> msgs = new ArrayList<>(perHandOver);
                long now = System.nanoTime();
                for (int i = 0; i < perHandOver; i++) {
                    byte[] p = new byte[size];
                    ByteBuffer.wrap(p).putLong(now).putInt(node.self().node().hashCode());
                    msgs.add(p);
                }
                g.multicastAll(ordering, msgs, safe);
                if (now >= measureFrom) {
                    sentInWindow += perHandOver;
                }
            }
            Thread.sleep(2000); // drain
            double perSecond = counter.deliveredInWindow() / (double) seconds;
            System.out.printf("RESULT %s %.1f %.1f %s %s%n", ordering, perSecond, sentInWindow / (double) seconds,
                    encode(counter.latency), encode(counter.anyLatency));
            System.out.flush();
            counter.latency.reset();
            counter.anyLatency.reset();
        }
        node.close();
        System.exit(0);
    }

    /**
     * Counts deliveries in the measured window and records latency: of own messages (at the
     * sender) and of every message (at every member). Delivery thread only.
     */
    private static final class Counter implements GroupListener {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final Histogram anyLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
        final int me;
        volatile long from = Long.MAX_VALUE;
        volatile long to = Long.MAX_VALUE;
        volatile long inWindow;

        Counter(VsyncNode node) {
            this.me = node.self().node().hashCode();
        }

        void window(long fromNs, long toNs) {
            inWindow = 0;
            from = fromNs;
            to = toNs;
        }

        long deliveredInWindow() {
            return inWindow;
        }

        @Override
        public void onDeliver(Delivery d) {
            long now = System.nanoTime();
            if (now >= from && now < to) {
                inWindow++;
                ByteBuffer b = ByteBuffer.wrap(d.payload());
                long sentAt = b.getLong();
                long ns = Math.max(0, Math.min(now - sentAt, latency.getHighestTrackableValue()));
                anyLatency.recordValue(ns);
                if (b.getInt() == me) {
                    latency.recordValue(ns);
                }
            }
        }
    }
}
