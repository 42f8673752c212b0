package org.backplane.server.bench;

import org.HdrHistogram.Histogram;
import org.backplane.client.BusClient;
import org.backplane.client.ClientOptions;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.backplane.server.BusServer;
import org.backplane.server.ServerConfig;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Quick end-to-end harness for the data path (test scope; `bus bench` is the product's
 * benchmark): one publisher thread and one subscriber in this JVM, the server in a child JVM
 * (default, like the peers' brokers) or in-process ({@code --embedded}), 100-byte messages with
 * the send nanoTime in the first 8 bytes. Same methodology as /work/shared/bench/peers:
 * throughput = received / (last receive - first send) with the producer at most --window bytes
 * ahead; latency at a fixed --rate paced on an absolute schedule (parkNanos, no spin).
 * <pre>
 * mvn -q -o -pl bus-server -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * FLAGS="$(sed -n 's:.*&lt;chronicle.jvm.flags&gt;\(.*\)&lt;/chronicle.jvm.flags&gt;.*:\1:p' pom.xml)"
 * java $FLAGS -Dbackplane.jvm.flags="$FLAGS" -Xmx1g \
 *     -cp bus-server/target/test-classes:bus-server/target/classes:$(cat bus-server/target/cp.txt) \
 *     org.backplane.server.bench.BusE2EBench --count 3000000 --lat-seconds 10
 * </pre>
 * Options: {@code --size 100 --count N --warmup N --window BYTES --rate 10000 --lat-seconds 10
 * --skip-tput --skip-lat --embedded --inflight 4096 --io-threads 0 --durability os|interval|commit
 * --server HOST:PORT --server-jfr FILE --one-client}. CPU figures: {@code cpu_us_per_msg} is this JVM's CPU
 * (clients; also the server with {@code --embedded}) less the producer thread, per message;
 * {@code server_cpu_us_per_msg} the server process's, from /proc.
 * Prints {@code RESULT ...} lines.
 */
public final class BusE2EBench {
    private BusE2EBench() {}

    private static final String TOPIC = "/BENCH/E2E";

    static final class Phase {
        final int id;
        final long expected;
        final Histogram histogram;
        long count;
        long lastRecv;
        final AtomicLong published = new AtomicLong();
        volatile boolean done;

        Phase(int id, long expected, boolean latency) {
            this.id = id;
            this.expected = expected;
            this.histogram = latency ? new Histogram(TimeUnit.SECONDS.toNanos(10), 3) : null;
        }

        void on(long sendNanos) {
            long now = System.nanoTime();
            if (histogram != null) {
                histogram.recordValue(Math.min(now - sendNanos, TimeUnit.SECONDS.toNanos(10)));
            }
            count++;
            lastRecv = now;
            if ((count & 31) == 0 || count >= expected) {
                published.lazySet(count);
            }
            if (count >= expected) {
                done = true;
            }
        }
    }

    static volatile Phase current;
    static long strays;
    static long lastSeq;
    static long gaps;

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = args(argv);
        int size = Integer.parseInt(a.getOrDefault("size", "100"));
        long count = Long.parseLong(a.getOrDefault("count", "2000000"));
        long warmup = Long.parseLong(a.getOrDefault("warmup", String.valueOf(count / 4)));
        long window = Long.parseLong(a.getOrDefault("window", String.valueOf(8 << 20))) / size;
        int rate = Integer.parseInt(a.getOrDefault("rate", "10000"));
        int latSeconds = Integer.parseInt(a.getOrDefault("lat-seconds", "10"));
        boolean embedded = a.containsKey("embedded");
        boolean skipLat = a.containsKey("skip-lat");
        boolean skipTput = a.containsKey("skip-tput");
        String durability = a.getOrDefault("durability", "os");
        int inflight = Integer.parseInt(a.getOrDefault("inflight", "4096"));

        Path dir = Files.createTempDirectory("bus-bench-");
        BusServer server = null;
        Process child = null;
        String address = a.get("server");
        if (address == null && embedded) {
            server = BusServer.start(ServerConfig.builder().listen("127.0.0.1:0").dataDir(dir)
                    .durability(ServerConfig.parseDurability(durability)).maxInFlightPerConnection(Math.max(4096, inflight))
                    .ioThreads(Integer.parseInt(a.getOrDefault("io-threads", "0"))).build());
            address = server.addressString();
        } else if (address == null) {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            String flags = System.getProperty("backplane.jvm.flags", "");
            if (!flags.isBlank()) {
                cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
            }
            if (a.containsKey("server-jfr")) {
                cmd.add("-XX:StartFlightRecording=filename=" + a.get("server-jfr") + ",settings=profile");
            }
            cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    "org.backplane.server.ServerProcessMain", dir.toString(), "0"));
            child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("LISTENING ")) {
                // server start-up log
            }
            if (line == null) {
                throw new IllegalStateException("server process did not start");
            }
            address = line.substring("LISTENING ".length()).trim();
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // discard
                    }
                } catch (Exception ignored) {
                    // gone
                }
            });
            drain.setDaemon(true);
            drain.start();
        }
        Process childProcess = child;
        BusServer embeddedServer = server;
        boolean oneClient = a.containsKey("one-client"); // publisher and subscriber share one connection
        try (BusClient sub = BusClient.connect(ClientOptions.builder().servers(address).name("bench-sub")
                     .maxInFlight(inflight).build());
             BusClient second = oneClient ? null : BusClient.connect(ClientOptions.builder().servers(address)
                     .name("bench-pub").maxInFlight(inflight).build())) {
            BusClient pub = oneClient ? sub : second;
            Subscription s = sub.subscribe(TOPIC, StartPosition.now(), m -> {
                byte[] b = m.payload();
                if (m.seq() != lastSeq + 1 && lastSeq != 0) {
                    gaps++;
                }
                lastSeq = m.seq();
                long ts = 0;
                for (int i = 0; i < 8; i++) {
                    ts = (ts << 8) | (b[i] & 0xff);
                }
                int ph = ((b[8] & 0xff) << 24) | ((b[9] & 0xff) << 16) | ((b[10] & 0xff) << 8) | (b[11] & 0xff);
                Phase p = current;
                if (p != null && p.id == ph) {
                    p.on(ts);
                } else {
                    strays++;
                }
            });
            String[] phases = skipTput ? new String[] {"warmup"} : new String[] {"warmup", "tput"};
            for (String name : phases) {
                long n = name.equals("warmup") ? warmup : count;
                Phase p = new Phase(name.equals("warmup") ? 1 : 2, n, false);
                current = p;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                long t0 = System.nanoTime();
                long cpu0 = cpuNanos();
                long serverCpu0 = childCpuNanos(childProcess);
                long sent = 0;
                for (; sent < n; sent++) {
                    if (sent - p.published.get() >= window) {
                        while (sent - p.published.get() >= window && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                        }
                        if (System.nanoTime() >= deadline) {
                            break;
                        }
                    }
                    pub.publish(TOPIC, message(size, System.nanoTime(), p.id));
                }
                long tSent = System.nanoTime();
                while (!p.done && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(200_000);
                }
                double secs = ((p.done ? p.lastRecv : System.nanoTime()) - t0) / 1e9;
                long recv = p.done ? p.count : p.published.get();
                double cpuUsPerMsg = (cpuNanos() - cpu0) / 1e3 / Math.max(1, recv);
                double serverUsPerMsg = (childCpuNanos(childProcess) - serverCpu0) / 1e3 / Math.max(1, recv);
                if (name.equals("tput")) {
                    double mps = recv / secs;
                    System.out.printf("RESULT peer=backplane%s size=%d phase=tput sent=%d received=%d lost=%d secs=%.3f "
                                    + "msgs_per_s=%.0f MB_per_s=%.1f send_rate_msgs_per_s=%.0f window_msgs=%d gaps=%d "
                                    + "cpu_us_per_msg=%.2f (this JVM but the producer thread%s)%s%n",
                            embedded ? "-embedded" : "", size, sent, recv, sent - recv, secs, mps, mps * size / 1e6,
                            sent / ((tSent - t0) / 1e9), window, gaps, cpuUsPerMsg,
                            embedded ? ": clients and server" : ": clients only",
                            childProcess == null ? "" : String.format(" server_cpu_us_per_msg=%.2f", serverUsPerMsg));
                } else {
                    System.out.printf("info warmup %d/%d msgs in %.2fs%n", recv, n, secs);
                }
            }
            if (!skipLat) {
                long n = (long) rate * latSeconds;
                Phase p = new Phase(3, n, true);
                current = p;
                long intervalNs = 1_000_000_000L / rate;
                long cpu0 = cpuNanos();
                long wall0 = System.nanoTime();
                long start = System.nanoTime() + 10_000_000;
                long late = 0;
                for (long i = 0; i < n; i++) {
                    long due = start + i * intervalNs;
                    long now;
                    while ((now = System.nanoTime()) < due) {
                        LockSupport.parkNanos(due - now);
                    }
                    if (now - due > 1_000_000) {
                        late++;
                    }
                    pub.publish(TOPIC, message(size, System.nanoTime(), p.id));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!p.done && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(200_000);
                }
                Histogram h = p.histogram;
                double cpuShare = (cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
                System.out.printf("RESULT peer=backplane%s size=%d phase=lat rate=%d samples=%d p50_us=%.0f p90_us=%.0f "
                                + "p99_us=%.0f p999_us=%.0f max_us=%.0f late_sends=%d cores_busy=%.2f%n",
                        embedded ? "-embedded" : "", size, rate, h.getTotalCount(), h.getValueAtPercentile(50) / 1e3,
                        h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
                        h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, late, cpuShare);
            }
            System.out.println("info strays=" + strays + " gaps=" + gaps);
            s.close();
        } finally {
            if (embeddedServer != null) {
                embeddedServer.close();
            }
            if (childProcess != null) {
                childProcess.destroy();
                childProcess.waitFor(30, TimeUnit.SECONDS);
            }
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
            }
        }
    }

    /**
     * CPU time of this whole JVM so far, less the harness's producer thread (which spins while
     * its window is full, as the peers' harness does; that spin is not the bus's cost).
     */
    private static long cpuNanos() {
        long process = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
        return process - java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(PRODUCER_ID);
    }

    /** CPU time (user + system) of a child process, from /proc; 0 if unknown. */
    private static long childCpuNanos(Process p) {
        if (p == null) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
            return ticks * 10_000_000L; // USER_HZ = 100
        } catch (Exception e) {
            return 0;
        }
    }

    private static final long PRODUCER_ID = Thread.currentThread().getId();

    private static byte[] message(int size, long ts, int phase) {
        byte[] b = new byte[size];
        for (int i = 7; i >= 0; i--) {
            b[i] = (byte) ts;
            ts >>>= 8;
        }
        b[8] = (byte) (phase >>> 24);
        b[9] = (byte) (phase >>> 16);
        b[10] = (byte) (phase >>> 8);
        b[11] = (byte) phase;
        return b;
    }

    private static Map<String, String> args(String[] argv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < argv.length; i++) {
            if (argv[i].startsWith("--")) {
                String k = argv[i].substring(2);
                if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                    m.put(k, argv[++i]);
                } else {
                    m.put(k, "true");
                }
            }
        }
        return m;
    }
}
