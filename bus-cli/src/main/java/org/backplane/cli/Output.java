package org.backplane.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.backplane.client.BusMessage;
import org.backplane.client.PublishAck;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;

/**
 * How the CLI prints what it receives: messages and acks as readable text or as one JSON object
 * per line. The JSON shapes are part of the CLI's interface (docs/cli.md) and change only by
 * adding fields. Stateless and thread-safe.
 */
final class Output {
    /** ISO-8601 in UTC with milliseconds, always the same width: {@code 2026-11-27T12:00:00.123Z}. */
    static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private static final ObjectMapper JSON = new ObjectMapper();

    private Output() {}

    /** {@code 2026-11-27T12:00:00.123Z}. */
    static String timestamp(Instant t) {
        return TIMESTAMP.format(t);
    }

    /**
     * A message as one readable line: {@code /TOPIC seq timestamp key: payload}, with
     * {@code key} left out when the message has none, and control characters in key and
     * payload escaped so one message is always one line.
     */
    static String text(BusMessage m, boolean withHeaders) {
        StringBuilder b = new StringBuilder(64 + m.payload().length);
        b.append(m.topic()).append(' ').append(m.seq()).append(' ').append(timestamp(m.timestamp()));
        if (m.key() != null) {
            b.append(' ');
            appendEscaped(b, m.keyAsText());
        }
        if (withHeaders && !m.headers().isEmpty()) {
            for (Map.Entry<String, String> h : m.headers().entrySet()) {
                b.append(' ');
                appendEscaped(b, h.getKey());
                b.append('=');
                appendEscaped(b, h.getValue());
            }
        }
        b.append(": ");
        appendEscaped(b, m.payloadAsText());
        return b.toString();
    }

    /**
     * A message as one JSON object: {@code topic}, {@code seq}, {@code timestamp} (ISO-8601),
     * {@code key} (text or null), {@code headers} (object), {@code payload} (UTF-8 text).
     */
    static String json(BusMessage m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("topic", m.topic());
        o.put("seq", m.seq());
        o.put("timestamp", timestamp(m.timestamp()));
        o.put("key", m.keyAsText());
        ObjectNode headers = o.putObject("headers");
        m.headers().forEach(headers::put);
        o.put("payload", m.payloadAsText());
        return write(o);
    }

    /** An ack as text: {@code /TOPIC seq=42}. */
    static String text(PublishAck ack) {
        return ack.topic() + " seq=" + ack.seq();
    }

    /** An ack as one JSON object: {@code topic}, {@code seq}, {@code timestamp}. */
    static String json(PublishAck ack) {
        ObjectNode o = JSON.createObjectNode();
        o.put("topic", ack.topic());
        o.put("seq", ack.seq());
        o.put("timestamp", timestamp(ack.timestamp()));
        return write(o);
    }

    /** A new, empty JSON object for a command's own output. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** {@code node} as one line of JSON. */
    static String write(Object node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** {@code n} with thousands separators: {@code 1,234,567}. */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static void appendEscaped(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
    }
}
