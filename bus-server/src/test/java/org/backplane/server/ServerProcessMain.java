package org.backplane.server;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Test-scope main: runs a {@link BusServer} in a child JVM for the crash tests. Arguments:
 * data directory and listen port. Prints {@code LISTENING host:port} once it accepts connections;
 * SIGTERM closes the server cleanly (shutdown hook) and prints {@code STOPPED}.
 */
public final class ServerProcessMain {
    private ServerProcessMain() {}

    public static void main(String[] args) throws InterruptedException {
        BusServer server = BusServer.start(ServerConfig.builder().dataDir(Path.of(args[0]))
                .listen("127.0.0.1:" + args[1]).build());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            System.out.println("STOPPED");
            System.out.flush();
            stopped.countDown();
        }));
        System.out.println("LISTENING " + server.addressString());
        System.out.flush();
        stopped.await();
    }
}
