package org.backplane.vsync.netty;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.GroupListener;
import org.backplane.vsync.api.ViewChange;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.api.VsyncNode;
import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.check.HistoryFile;

/**
 * One engine process for {@link MultiProcessIT}: joins group "g" over TCP, multicasts ABCAST (and
 * some CBCAST) at a steady rate, records its history to a file, and reports on stdout
 * ({@code VIEW id size members}, {@code EXCLUDED}, {@code DONE}). On "stop" from stdin it stops
 * sending, waits for the group to go quiet and exits.
 *
 * <p>Args: nodeName historyFile port [seedPort]
 */
public final class EngineProcessMain {

    static final VsyncConfig CONFIG = VsyncConfig.DEFAULTS
            .withFailureDetection(Duration.ofMillis(200), Duration.ofMillis(2500))
            .withIntervals(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(50),
                    Duration.ofMillis(200), Duration.ofMillis(1500))
            .withStateChunks(8192, 4);

    public static void main(String[] args) throws Exception {
        String name = args[0];
        HistoryFile history = new HistoryFile(Path.of(args[1]));
        int port = Integer.parseInt(args[2]);
        List<InetSocketAddress> seeds = new ArrayList<>();
        if (args.length > 3) {
            seeds.add(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[3])));
        }
        VsyncNode node = VsyncNode.builder(name).listen("127.0.0.1", port).seeds(seeds)
                .config(CONFIG).recorder(history).start();
        App app = new App(node, history);
        Group g = node.join("g", app);
        volatile_stop = false;
        Thread control = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.trim().equals("stop")) {
                        volatile_stop = true;
                    }
                }
            } catch (IOException ignored) {
                // parent gone
            }
            volatile_stop = true;
        });
        control.setDaemon(true);
        control.start();
        g.joined().get();
        long sent = 0;
        while (!volatile_stop) {
            if (g.view() != null) {
                byte[] p = (name + ":" + sent).getBytes();
                if (sent % 5 == 4) {
                    g.cbcast(p);
                } else {
                    g.abcast(p);
                }
                sent++;
            }
            Thread.sleep(5);
        }
        long last = -1;
        for (int i = 0; i < 100 && app.applied != last; i++) {
            last = app.applied;
            Thread.sleep(1000);
        }
        System.out.println("DONE sent=" + sent + " applied=" + app.applied);
        System.out.flush();
        node.close();
        history.close();
        System.exit(0);
    }

    static volatile boolean volatile_stop;

    static final class App implements GroupListener {
        final VsyncNode node;
        final HistoryFile history;
        volatile long digest;
        volatile long applied;
        volatile long viewId;

        App(VsyncNode node, HistoryFile history) {
            this.node = node;
            this.history = history;
        }

        @Override
        public void onView(ViewChange c) {
            viewId = c.view().id();
            System.out.println("VIEW " + c.view().id() + " " + c.view().size() + " " + node.self() + " " + c.view().members());
            System.out.flush();
        }

        @Override
        public void onDeliver(Delivery d) {
            digest += HistoryChecker.digestOf(d.id());
            applied++;
        }

        @Override
        public void getState(OutputStream out) throws IOException {
            history.stateGiven("g", node.self(), null, viewId, digest);
            DataOutputStream o = new DataOutputStream(out);
            o.writeLong(digest);
            o.writeLong(applied);
            o.flush();
        }

        @Override
        public void setState(InputStream in) throws IOException {
            DataInputStream i = new DataInputStream(in);
            digest = i.readLong();
            applied = i.readLong();
            history.stateSet("g", node.self(), viewId, digest);
        }

        @Override
        public void onExcluded() {
            System.out.println("EXCLUDED " + node.self());
            System.out.flush();
        }
    }
}
