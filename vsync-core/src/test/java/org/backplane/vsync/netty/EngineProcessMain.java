package org.backplane.vsync.netty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.backplane.vsync.api.Group;
import org.backplane.vsync.api.VsyncConfig;
import org.backplane.vsync.api.VsyncNode;
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
        DigestListener app = new DigestListener("g", history, 0, line -> {
            System.out.println(line);
            System.out.flush();
        });
        app.node = node;
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

}
