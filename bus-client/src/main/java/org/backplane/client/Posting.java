package org.backplane.client;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One posting to publish: topic, optional key (for "last value per key" compaction), optional
 * headers, payload. Immutable: each method returns a new posting, so one can be shared between
 * threads and reused as a template:
 * <pre>{@code
 * client.publish(Posting.to("/DEMO/QUOTES/IBM").key("IBM").header("src", "feed").payload(bytes));
 * }</pre>
 * The topic is validated when the posting is built ({@link InvalidTopicException}).
 */
public final class Posting {
    private final String topic;
    private final byte[] key;
    private final Map<String, String> headers;
    private final byte[] payload;

    private Posting(String topic, byte[] key, Map<String, String> headers, byte[] payload) {
        this.topic = topic;
        this.key = key;
        this.headers = headers;
        this.payload = payload;
    }

    /**
     * A posting to {@code topic} with no key, no headers and an empty payload.
     *
     * @throws InvalidTopicException if the topic name is invalid
     */
    public static Posting to(String topic) {
        return new Posting(TopicName.of(topic).value(), null, Map.of(), new byte[0]);
    }

    /** This posting with key {@code key} (UTF-8), or without a key for null. */
    public Posting key(String key) {
        return key(key == null ? null : key.getBytes(StandardCharsets.UTF_8));
    }

    /** This posting with key {@code key} (not copied: do not change the array afterwards), or none for null. */
    public Posting key(byte[] key) {
        return new Posting(topic, key, headers, payload);
    }

    /** This posting with one more header (a later value for the same name replaces the earlier one). */
    public Posting header(String name, String value) {
        Objects.requireNonNull(name, "header name");
        Objects.requireNonNull(value, "header value");
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Posting(topic, key, Collections.unmodifiableMap(copy), payload);
    }

    /** This posting with its headers replaced by {@code headers} (copied). */
    public Posting headers(Map<String, String> headers) {
        return new Posting(topic, key, Collections.unmodifiableMap(new LinkedHashMap<>(headers)), payload);
    }

    /** This posting with payload {@code payload} (not copied: do not change the array afterwards). */
    public Posting payload(byte[] payload) {
        return new Posting(topic, key, headers, Objects.requireNonNull(payload, "payload"));
    }

    /** This posting with payload {@code text} as UTF-8. */
    public Posting payload(String text) {
        return payload(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The topic name. */
    public String topic() {
        return topic;
    }

    /** The key bytes, or null for none. */
    public byte[] key() {
        return key;
    }

    /** The headers, in insertion order; empty if none. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The payload bytes. */
    public byte[] payload() {
        return payload;
    }

    @Override
    public String toString() {
        return "Posting[" + topic + ", " + payload.length + " bytes" + (key != null ? ", keyed" : "")
                + (headers.isEmpty() ? "" : ", headers " + headers.keySet()) + "]";
    }
}
