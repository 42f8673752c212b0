package org.backplane.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Test helper: a server on a free loopback port with its data in a fresh temp directory. */
final class EmbeddedServer implements AutoCloseable {
    final Path dataDir;
    final BusServer server;

    EmbeddedServer() throws IOException {
        this(b -> b);
    }

    EmbeddedServer(UnaryOperator<ServerConfig.Builder> tweak) throws IOException {
        this(Files.createTempDirectory("bus-it-"), tweak);
    }

    EmbeddedServer(Path dataDir, UnaryOperator<ServerConfig.Builder> tweak) {
        this.dataDir = dataDir;
        this.server = BusServer.start(tweak.apply(ServerConfig.builder().listen("127.0.0.1:0").dataDir(dataDir)).build());
    }

    String address() {
        return server.addressString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        deleteTree(dataDir);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
