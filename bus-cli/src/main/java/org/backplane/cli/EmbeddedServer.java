package org.backplane.cli;

import org.backplane.server.BusServer;
import org.backplane.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A server in this process on a free loopback port with a temporary data directory, for
 * {@code bus demo} and {@code bus bench}. {@link #close()} stops it and deletes the directory; a
 * JVM shutdown before that (Ctrl-C) does the same from a shutdown hook, so nothing is left behind.
 */
final class EmbeddedServer implements AutoCloseable {
    private final BusServer server;
    private final Path dataDir;
    private final Thread cleanup;

    private EmbeddedServer(BusServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.cleanup = new Thread(this::stop, "bus-embedded-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    /**
     * Starts a server with its data in a new temporary directory named {@code prefix...};
     * {@code configure} may adjust the config (listen and data directory are set already).
     * Caller's thread.
     */
    static EmbeddedServer start(String prefix, Consumer<ServerConfig.Builder> configure) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        try {
            ServerConfig.Builder b = ServerConfig.builder().listen("127.0.0.1:0").dataDir(dir);
            configure.accept(b);
            return new EmbeddedServer(BusServer.start(b.build()), dir);
        } catch (RuntimeException e) {
            delete(dir);
            throw e;
        }
    }

    /** {@code host:port} clients connect to. */
    String address() {
        return server.addressString();
    }

    /** The temporary data directory. */
    Path dataDir() {
        return dataDir;
    }

    /** The server. */
    BusServer server() {
        return server;
    }

    private void stop() {
        server.close();
        delete(dataDir);
    }

    /** Stops the server and deletes its directory. Idempotent. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook; stop() is idempotent
        }
    }

    /** Deletes {@code dir} and everything under it; a missing directory is fine. */
    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }
}
