package org.backplane.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.backplane.client.ClientOptions;
import org.backplane.client.TopicPattern;
import org.backplane.client.protocol.FrameCodec;
import org.backplane.client.TopicName;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a {@link BusServer} needs, immutable and validated when built. Readable from JSON
 * ({@link #fromJson(String)}, the CLI's {@code --config FILE}) with the same keys the builder and
 * the CLI options use, one to one (docs/configuration.md documents each with default and unit):
 * <pre>{@code
 * { "listen": "127.0.0.1:7420", "dataDir": "./bus-data", "durability": "os",
 *   "retention": [ { "pattern": "/DEMO/QUOTES/*", "maxCount": 1000, "compact": true } ],
 *   "maxMessageBytes": 1048576 }
 * }</pre>
 * Durations are written {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 7d} or ISO-8601
 * ({@code PT30S}). Thread-safe.
 */
public final class ServerConfig {
    /** How durable an acked posting is; see docs/configuration.md "durability". */
    public enum Durability {
        /** Page cache: survives a crash of the server process, not of the machine (the default). */
        OS,
        /** The server forces the log to disk at least every {@code durabilityInterval}. */
        INTERVAL,
        /** Every batch is forced to disk before its postings are acked (group commit). */
        COMMIT
    }

    /**
     * Retention for topics matching {@code pattern}: keep at most {@code maxCount} postings
     * (0 = no limit), none older than {@code maxAge} (null = no limit), at most {@code maxBytes}
     * (0 = no limit), and with {@code compact} only the latest posting per key (postings without
     * a key are subject to the other limits). The first rule whose pattern matches a topic wins;
     * topics no rule matches keep everything.
     */
    public record RetentionRule(TopicPattern pattern, long maxCount, Duration maxAge, long maxBytes, boolean compact) {
        /** Validates the limits. */
        public RetentionRule {
            Objects.requireNonNull(pattern, "pattern");
            if (maxCount < 0 || maxBytes < 0) {
                throw new IllegalArgumentException("retention for " + pattern + ": maxCount and maxBytes must be >= 0");
            }
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new IllegalArgumentException("retention for " + pattern + ": maxAge must be positive, got " + maxAge);
            }
        }
    }

    private static final Set<String> KEYS = Set.of("serverId", "listen", "dataDir", "durability",
            "durabilityInterval", "retention", "maxMessageBytes", "maxFrameBytes", "maxConnections",
            "maxSubscriptionsPerConnection", "maxInFlightPerConnection", "idleTimeout", "ioThreads");
    private static final Set<String> RULE_KEYS = Set.of("pattern", "maxCount", "maxAge", "maxBytes", "compact");

    private final String serverId;
    private final InetSocketAddress listen;
    private final Path dataDir;
    private final Durability durability;
    private final Duration durabilityInterval;
    private final List<RetentionRule> retention;
    private final int maxMessageBytes;
    private final int maxFrameBytes;
    private final int maxConnections;
    private final int maxSubscriptionsPerConnection;
    private final int maxInFlightPerConnection;
    private final Duration idleTimeout;
    private final int ioThreads;

    private ServerConfig(Builder b) {
        this.serverId = b.serverId;
        this.listen = b.listen;
        this.dataDir = b.dataDir;
        this.durability = b.durability;
        this.durabilityInterval = b.durabilityInterval;
        this.retention = List.copyOf(b.retention);
        this.maxMessageBytes = b.maxMessageBytes;
        this.maxFrameBytes = b.maxFrameBytes > 0 ? b.maxFrameBytes : defaultFrameBytes(b.maxMessageBytes);
        this.maxConnections = b.maxConnections;
        this.maxSubscriptionsPerConnection = b.maxSubscriptionsPerConnection;
        this.maxInFlightPerConnection = b.maxInFlightPerConnection;
        this.idleTimeout = b.idleTimeout;
        this.ioThreads = b.ioThreads;
    }

    private static int defaultFrameBytes(int maxMessageBytes) {
        return (int) Math.min(Integer.MAX_VALUE - 1024L, (long) maxMessageBytes + 64 * 1024);
    }

    /** A builder with every default (docs/configuration.md). */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: 127.0.0.1:7420, ./bus-data, durability os, keep everything. */
    public static ServerConfig defaults() {
        return builder().build();
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.serverId = serverId;
        b.listen = listen;
        b.dataDir = dataDir;
        b.durability = durability;
        b.durabilityInterval = durabilityInterval;
        b.retention = new ArrayList<>(retention);
        b.maxMessageBytes = maxMessageBytes;
        b.maxFrameBytes = maxFrameBytes;
        b.maxConnections = maxConnections;
        b.maxSubscriptionsPerConnection = maxSubscriptionsPerConnection;
        b.maxInFlightPerConnection = maxInFlightPerConnection;
        b.idleTimeout = idleTimeout;
        b.ioThreads = ioThreads;
        return b;
    }

    /** Reads a JSON config file; see {@link #fromJson(String)}. */
    public static ServerConfig fromFile(Path file) throws IOException {
        return fromJson(Files.readString(file));
    }

    /**
     * Parses a JSON object whose keys are this class's accessor names; absent keys keep their
     * defaults, unknown keys are refused (a typo must not be silently ignored).
     *
     * @throws IllegalArgumentException naming the bad key or value
     */
    public static ServerConfig fromJson(String json) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("config must be a JSON object");
        }
        Builder b = builder();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown config key '" + key + "'; known keys: " + String.join(", ",
                        KEYS.stream().sorted().toList()));
            }
        }
        JsonNode n;
        if ((n = root.get("serverId")) != null) b.serverId(text(n, "serverId"));
        if ((n = root.get("listen")) != null) b.listen(text(n, "listen"));
        if ((n = root.get("dataDir")) != null) b.dataDir(Path.of(text(n, "dataDir")));
        if ((n = root.get("durability")) != null) b.durability(parseDurability(text(n, "durability")));
        if ((n = root.get("durabilityInterval")) != null) b.durabilityInterval(parseDuration(text(n, "durabilityInterval"), "durabilityInterval"));
        if ((n = root.get("maxMessageBytes")) != null) b.maxMessageBytes(integer(n, "maxMessageBytes"));
        if ((n = root.get("maxFrameBytes")) != null) b.maxFrameBytes(integer(n, "maxFrameBytes"));
        if ((n = root.get("maxConnections")) != null) b.maxConnections(integer(n, "maxConnections"));
        if ((n = root.get("maxSubscriptionsPerConnection")) != null) b.maxSubscriptionsPerConnection(integer(n, "maxSubscriptionsPerConnection"));
        if ((n = root.get("maxInFlightPerConnection")) != null) b.maxInFlightPerConnection(integer(n, "maxInFlightPerConnection"));
        if ((n = root.get("idleTimeout")) != null) b.idleTimeout(parseDuration(text(n, "idleTimeout"), "idleTimeout"));
        if ((n = root.get("ioThreads")) != null) b.ioThreads(integer(n, "ioThreads"));
        if ((n = root.get("retention")) != null) {
            if (!n.isArray()) {
                throw new IllegalArgumentException("retention must be an array of {pattern, maxCount, maxAge, maxBytes, compact}");
            }
            List<RetentionRule> rules = new ArrayList<>();
            for (JsonNode r : n) {
                rules.add(parseRule(r));
            }
            b.retention(rules);
        }
        return b.build();
    }

    private static RetentionRule parseRule(JsonNode r) {
        if (!r.isObject()) {
            throw new IllegalArgumentException("retention entries must be objects, got " + r);
        }
        for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!RULE_KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown retention key '" + key + "'; known keys: pattern, maxCount, maxAge, maxBytes, compact");
            }
        }
        JsonNode p = r.get("pattern");
        if (p == null) {
            throw new IllegalArgumentException("retention entry without 'pattern': " + r);
        }
        TopicPattern pattern;
        try {
            pattern = TopicPattern.of(text(p, "retention.pattern"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("retention.pattern: " + e.getMessage());
        }
        long maxCount = r.has("maxCount") ? longValue(r.get("maxCount"), "retention.maxCount") : 0;
        Duration maxAge = r.has("maxAge") ? parseDuration(text(r.get("maxAge"), "retention.maxAge"), "retention.maxAge") : null;
        long maxBytes = r.has("maxBytes") ? longValue(r.get("maxBytes"), "retention.maxBytes") : 0;
        boolean compact = false;
        if (r.has("compact")) {
            if (!r.get("compact").isBoolean()) {
                throw new IllegalArgumentException("retention.compact must be true or false");
            }
            compact = r.get("compact").booleanValue();
        }
        return new RetentionRule(pattern, maxCount, maxAge, maxBytes, compact);
    }

    /** This config as JSON, in the format {@link #fromJson} reads. */
    public String toJson() {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = m.createObjectNode();
        if (serverId != null) {
            o.put("serverId", serverId);
        }
        o.put("listen", describe(listen));
        o.put("dataDir", dataDir.toString());
        o.put("durability", durability.name().toLowerCase(Locale.ROOT));
        o.put("durabilityInterval", formatDuration(durabilityInterval));
        ArrayNode rules = o.putArray("retention");
        for (RetentionRule r : retention) {
            ObjectNode j = rules.addObject();
            j.put("pattern", r.pattern().value());
            j.put("maxCount", r.maxCount());
            if (r.maxAge() != null) {
                j.put("maxAge", formatDuration(r.maxAge()));
            }
            j.put("maxBytes", r.maxBytes());
            j.put("compact", r.compact());
        }
        o.put("maxMessageBytes", maxMessageBytes);
        o.put("maxFrameBytes", maxFrameBytes);
        o.put("maxConnections", maxConnections);
        o.put("maxSubscriptionsPerConnection", maxSubscriptionsPerConnection);
        o.put("maxInFlightPerConnection", maxInFlightPerConnection);
        o.put("idleTimeout", formatDuration(idleTimeout));
        o.put("ioThreads", ioThreads);
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code host:port}, IPv6 hosts in brackets. */
    static String describe(InetSocketAddress a) {
        String host = a.getHostString();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Parses {@code os}, {@code interval} or {@code commit} (case-insensitive). */
    public static Durability parseDurability(String s) {
        try {
            return Durability.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("durability must be os, interval or commit, got '" + s + "'");
        }
    }

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 7d} or ISO-8601
     * ({@code PT30S}); {@code what} names the key in the error.
     */
    public static Duration parseDuration(String s, String what) {
        String t = s.trim();
        try {
            if (t.startsWith("P") || t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            int unitAt = 0;
            while (unitAt < t.length() && Character.isDigit(t.charAt(unitAt))) {
                unitAt++;
            }
            if (unitAt == 0) {
                throw new IllegalArgumentException();
            }
            long n = Long.parseLong(t.substring(0, unitAt));
            return switch (t.substring(unitAt).trim().toLowerCase(Locale.ROOT)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(what + ": '" + s + "' is not a duration (e.g. 500ms, 30s, 10m, 2h, 7d, PT30S)");
        }
    }

    /** Formats a duration the way {@link #parseDuration} reads it, in the largest exact unit. */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) return ms / 86_400_000 + "d";
        if (ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    private static String text(JsonNode n, String key) {
        if (!n.isTextual()) {
            throw new IllegalArgumentException(key + " must be a string, got " + n);
        }
        return n.textValue();
    }

    private static int integer(JsonNode n, String key) {
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new IllegalArgumentException(key + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static long longValue(JsonNode n, String key) {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException(key + " must be an integer, got " + n);
        }
        return n.longValue();
    }

    /**
     * This server's id, in WELCOME, STATUS and logs; null means the default,
     * {@code bus-<host>-<port>} with the port actually bound ({@link BusServer#serverId()}).
     */
    public String serverId() {
        return serverId;
    }

    /** Address to listen on (default 127.0.0.1:7420; port 0 picks a free port). */
    public InetSocketAddress listen() {
        return listen;
    }

    /** Directory of the history log (default ./bus-data). */
    public Path dataDir() {
        return dataDir;
    }

    /** Durability policy (default OS). */
    public Durability durability() {
        return durability;
    }

    /** Longest time between forced writes with {@link Durability#INTERVAL} (default 1 s). */
    public Duration durabilityInterval() {
        return durabilityInterval;
    }

    /** Retention rules, first match wins; topics no rule matches keep everything. */
    public List<RetentionRule> retention() {
        return retention;
    }

    /** Largest key + headers + payload of one posting, in bytes (default 1 MiB). */
    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    /** Largest frame accepted, in bytes after the length prefix (default maxMessageBytes + 64 KiB). */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Most client connections at once; more are refused with an error (default 10000). */
    public int maxConnections() {
        return maxConnections;
    }

    /** Most open subscriptions per connection (default 1024). */
    public int maxSubscriptionsPerConnection() {
        return maxSubscriptionsPerConnection;
    }

    /**
     * Most postings of one connection accepted and not yet acked (default 4096); beyond it the
     * server stops reading that connection until acks catch up (TCP back-pressure).
     */
    public int maxInFlightPerConnection() {
        return maxInFlightPerConnection;
    }

    /** A connection silent this long is closed (clients ping every 5 s; default 30 s). */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /**
     * Netty I/O threads serving connections; 0 = automatic (default): one per core on a machine
     * of more than two cores, one on a machine of one or two (no cross-thread hand-off per
     * message there; {@code BusServer.ioLoops}).
     */
    public int ioThreads() {
        return ioThreads;
    }

    @Override
    public String toString() {
        return "ServerConfig" + toJson().replaceAll("\\s+", " ");
    }

    /** Builds a {@link ServerConfig}; not thread-safe. Setters take the JSON keys' names. */
    public static final class Builder {
        private String serverId;
        private InetSocketAddress listen = InetSocketAddress.createUnresolved("127.0.0.1", ClientOptions.DEFAULT_PORT);
        private Path dataDir = Path.of("./bus-data");
        private Durability durability = Durability.OS;
        private Duration durabilityInterval = Duration.ofSeconds(1);
        private List<RetentionRule> retention = new ArrayList<>();
        private int maxMessageBytes = 1 << 20;
        private int maxFrameBytes;
        private int maxConnections = 10_000;
        private int maxSubscriptionsPerConnection = 1024;
        private int maxInFlightPerConnection = 4096;
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int ioThreads;

        private Builder() {}

        /** Server id (default {@code bus-<host>-<port>}). */
        public Builder serverId(String serverId) {
            this.serverId = serverId;
            return this;
        }

        /** Listen address as {@code host:port}. */
        public Builder listen(String hostPort) {
            this.listen = ClientOptions.parseAddress(hostPort);
            return this;
        }

        /** Listen address. */
        public Builder listen(InetSocketAddress listen) {
            this.listen = Objects.requireNonNull(listen, "listen");
            return this;
        }

        /** Data directory. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Durability policy. */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /** Interval for {@link Durability#INTERVAL}. */
        public Builder durabilityInterval(Duration interval) {
            this.durabilityInterval = interval;
            return this;
        }

        /** Replaces the retention rules. */
        public Builder retention(List<RetentionRule> rules) {
            this.retention = new ArrayList<>(rules);
            return this;
        }

        /** Adds one retention rule after the existing ones. */
        public Builder retain(RetentionRule rule) {
            this.retention.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Max message bytes. */
        public Builder maxMessageBytes(int bytes) {
            this.maxMessageBytes = bytes;
            return this;
        }

        /** Max frame bytes (0 = maxMessageBytes + 64 KiB). */
        public Builder maxFrameBytes(int bytes) {
            this.maxFrameBytes = bytes;
            return this;
        }

        /** Max connections. */
        public Builder maxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        /** Max subscriptions per connection. */
        public Builder maxSubscriptionsPerConnection(int n) {
            this.maxSubscriptionsPerConnection = n;
            return this;
        }

        /** Max unacked postings per connection. */
        public Builder maxInFlightPerConnection(int n) {
            this.maxInFlightPerConnection = n;
            return this;
        }

        /** Idle timeout. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** I/O threads (0 = automatic: one per core above two cores, else one). */
        public Builder ioThreads(int n) {
            this.ioThreads = n;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException naming the first bad key
         */
        public ServerConfig build() {
            if (serverId != null && (serverId.isBlank() || serverId.length() > 200)) {
                throw new IllegalArgumentException("serverId must be 1..200 characters");
            }
            if (listen.getPort() < 0 || listen.getPort() > 65535) {
                throw new IllegalArgumentException("listen port must be 0..65535");
            }
            if (maxMessageBytes < 1 || maxMessageBytes > (1 << 30)) {
                throw new IllegalArgumentException("maxMessageBytes must be 1..1073741824, got " + maxMessageBytes);
            }
            int minFrame = maxMessageBytes + FrameCodec.PUBLISH_OVERHEAD_BYTES + TopicName.MAX_LENGTH;
            if (maxFrameBytes != 0 && (maxFrameBytes < minFrame || maxFrameBytes > Integer.MAX_VALUE - 1024)) {
                throw new IllegalArgumentException("maxFrameBytes must be at least maxMessageBytes + "
                        + (minFrame - maxMessageBytes) + " (= " + minFrame + "), got " + maxFrameBytes);
            }
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
            }
            if (maxSubscriptionsPerConnection < 1) {
                throw new IllegalArgumentException("maxSubscriptionsPerConnection must be >= 1, got "
                        + maxSubscriptionsPerConnection);
            }
            if (maxInFlightPerConnection < 1 || maxInFlightPerConnection > 65536) {
                throw new IllegalArgumentException("maxInFlightPerConnection must be 1..65536, got " + maxInFlightPerConnection);
            }
            if (durabilityInterval == null || durabilityInterval.isNegative() || durabilityInterval.isZero()) {
                throw new IllegalArgumentException("durabilityInterval must be positive, got " + durabilityInterval);
            }
            if (idleTimeout == null || idleTimeout.toMillis() < 100) {
                throw new IllegalArgumentException("idleTimeout must be at least 100ms, got " + idleTimeout);
            }
            if (ioThreads < 0 || ioThreads > 256) {
                throw new IllegalArgumentException("ioThreads must be 0..256, got " + ioThreads);
            }
            return new ServerConfig(this);
        }
    }
}
