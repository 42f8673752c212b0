package org.backplane.client;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link BusClient} connects and behaves. Immutable; build with {@link #builder()}:
 * <pre>{@code
 * ClientOptions o = ClientOptions.builder().servers("10.0.0.1:7420,10.0.0.2:7420")
 *         .name("quote-feed").maxInFlight(2048).build();
 * }</pre>
 * Every value is validated by {@link Builder#build()}. Thread-safe.
 */
public final class ClientOptions {
    /** The port a server listens on unless told otherwise. */
    public static final int DEFAULT_PORT = 7420;

    private final List<InetSocketAddress> servers;
    private final String name;
    private final int maxInFlight;
    private final Duration publishTimeout;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration reconnectWaitMin;
    private final Duration reconnectWaitMax;
    private final int maxReconnects;
    private final int subscriptionWindow;
    private final Duration pingInterval;
    private final ConnectionListener listener;

    private ClientOptions(Builder b) {
        this.servers = List.copyOf(b.servers);
        this.name = b.name;
        this.maxInFlight = b.maxInFlight;
        this.publishTimeout = b.publishTimeout;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.reconnectWaitMin = b.reconnectWaitMin;
        this.reconnectWaitMax = b.reconnectWaitMax;
        this.maxReconnects = b.maxReconnects;
        this.subscriptionWindow = b.subscriptionWindow;
        this.pingInterval = b.pingInterval;
        this.listener = b.listener;
    }

    /** A builder with every default: server {@code 127.0.0.1:7420}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses {@code host:port,host:port,...} (a missing port means {@value #DEFAULT_PORT};
     * IPv6 as {@code [::1]:7420}).
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static List<InetSocketAddress> parseServers(String servers) {
        Objects.requireNonNull(servers, "servers");
        List<InetSocketAddress> result = new ArrayList<>();
        for (String raw : servers.split(",")) {
            String s = raw.trim();
            if (s.isEmpty()) {
                continue;
            }
            result.add(parseAddress(s));
        }
        if (result.isEmpty()) {
            throw new IllegalArgumentException("no server address in '" + servers + "' (expected host:port,...)");
        }
        return result;
    }

    /** Parses one {@code host:port} (port optional, IPv6 in brackets), without resolving the host. */
    public static InetSocketAddress parseAddress(String s) {
        String host = s;
        int port = DEFAULT_PORT;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("bad address '" + s + "': missing ']'");
            }
            host = s.substring(1, close);
            if (close + 1 < s.length()) {
                if (s.charAt(close + 1) != ':') {
                    throw new IllegalArgumentException("bad address '" + s + "': expected ':' after ']'");
                }
                port = parsePort(s, s.substring(close + 2));
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0) {
                host = s.substring(0, colon);
                port = parsePort(s, s.substring(colon + 1));
            }
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("bad address '" + s + "': empty host");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static int parsePort(String address, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad address '" + address + "': port '" + port + "' is not 0-65535");
        }
    }

    /** Servers to connect to, tried in order; after a loss the next one is tried first. */
    public List<InetSocketAddress> servers() {
        return servers;
    }

    /** The client's name, sent in HELLO and shown in server logs. */
    public String name() {
        return name;
    }

    /**
     * Most postings sent and not yet acked; a publish beyond it blocks up to
     * {@link #publishTimeout()} for room (never an unbounded queue). Capped by the server's limit.
     */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** How long a posting may wait for room in the window and then for its ack before it fails. */
    public Duration publishTimeout() {
        return publishTimeout;
    }

    /** How long {@link BusClient#connect} tries (all servers, with backoff) before it fails. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How long subscribe, topics and status wait for the server's answer. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** First wait before a reconnect attempt; doubled per failed attempt up to {@link #reconnectWaitMax()}. */
    public Duration reconnectWaitMin() {
        return reconnectWaitMin;
    }

    /** Longest wait between reconnect attempts. */
    public Duration reconnectWaitMax() {
        return reconnectWaitMax;
    }

    /** Reconnect attempts after a loss before the client gives up and closes; -1 = forever. */
    public int maxReconnects() {
        return maxReconnects;
    }

    /**
     * Messages a subscription may have received and not yet handled (its credit window): bounds
     * the client's memory per subscription and how far the server may run ahead of a handler.
     */
    public int subscriptionWindow() {
        return subscriptionWindow;
    }

    /** Idle time after which the client pings the server; a server silent for 3 intervals is dropped. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** The connection listener (no-op by default). */
    public ConnectionListener listener() {
        return listener;
    }

    /** Builds {@link ClientOptions}; not thread-safe. */
    public static final class Builder {
        private List<InetSocketAddress> servers = List.of(InetSocketAddress.createUnresolved("127.0.0.1", DEFAULT_PORT));
        private String name = "bus-client";
        private int maxInFlight = 4096;
        private Duration publishTimeout = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration reconnectWaitMin = Duration.ofMillis(50);
        private Duration reconnectWaitMax = Duration.ofSeconds(2);
        private int maxReconnects = -1;
        private int subscriptionWindow = 8192;
        private Duration pingInterval = Duration.ofSeconds(5);
        private ConnectionListener listener = new ConnectionListener() {};

        private Builder() {}

        /** Servers as {@code host:port,host:port} (default {@code 127.0.0.1:7420}). */
        public Builder servers(String servers) {
            this.servers = parseServers(servers);
            return this;
        }

        /** Servers as addresses. */
        public Builder servers(List<InetSocketAddress> servers) {
            this.servers = List.copyOf(servers);
            return this;
        }

        /** Client name (default {@code bus-client}). */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Max unacked postings (default 4096, range 1..65536). */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        /** Publish timeout (default 30 s). */
        public Builder publishTimeout(Duration publishTimeout) {
            this.publishTimeout = publishTimeout;
            return this;
        }

        /** Connect timeout (default 10 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** Request timeout for subscribe, topics, status (default 10 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Reconnect backoff from {@code min} doubling to {@code max} (default 50 ms to 2 s). */
        public Builder reconnectWait(Duration min, Duration max) {
            this.reconnectWaitMin = min;
            this.reconnectWaitMax = max;
            return this;
        }

        /** Reconnect attempts before giving up, -1 for forever (default -1). */
        public Builder maxReconnects(int maxReconnects) {
            this.maxReconnects = maxReconnects;
            return this;
        }

        /** Credit window per subscription in messages (default 8192, range 16..1048576). */
        public Builder subscriptionWindow(int subscriptionWindow) {
            this.subscriptionWindow = subscriptionWindow;
            return this;
        }

        /** Ping interval when idle (default 5 s). */
        public Builder pingInterval(Duration pingInterval) {
            this.pingInterval = pingInterval;
            return this;
        }

        /** Connection listener (default no-op). */
        public Builder listener(ConnectionListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the first bad value
         */
        public ClientOptions build() {
            if (servers.isEmpty()) {
                throw new IllegalArgumentException("servers: at least one server address is needed");
            }
            range("maxInFlight", maxInFlight, 1, 65536);
            range("subscriptionWindow", subscriptionWindow, 16, 1 << 20);
            if (maxReconnects < -1) {
                throw new IllegalArgumentException("maxReconnects must be -1 (forever) or >= 0, got " + maxReconnects);
            }
            positive("publishTimeout", publishTimeout);
            positive("connectTimeout", connectTimeout);
            positive("requestTimeout", requestTimeout);
            positive("reconnectWaitMin", reconnectWaitMin);
            positive("reconnectWaitMax", reconnectWaitMax);
            positive("pingInterval", pingInterval);
            if (reconnectWaitMax.compareTo(reconnectWaitMin) < 0) {
                throw new IllegalArgumentException("reconnectWaitMax " + reconnectWaitMax + " is below reconnectWaitMin "
                        + reconnectWaitMin);
            }
            return new ClientOptions(this);
        }

        private static void range(String name, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
            }
        }

        private static void positive(String name, Duration d) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
            }
        }
    }
}
