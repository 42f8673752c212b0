package org.backplane.client.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers block of PUBLISH and MESSAGE (docs/PROTOCOL.md, "Headers"):
 * {@code u16 count, then count x (u16 name length, UTF-8 name, u16 value length, UTF-8 value)}.
 * The server stores the block as it came and checks only that it parses. Thread-safe.
 */
public final class HeadersCodec {
    private HeadersCodec() {}

    /** Encodes headers in iteration order; null or empty gives null (absent). */
    public static byte[] encode(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return null;
        }
        if (headers.size() > 0xFFFF) {
            throw new IllegalArgumentException("at most 65535 headers, got " + headers.size());
        }
        byte[][] parts = new byte[headers.size() * 2][];
        int size = 2;
        int i = 0;
        for (Map.Entry<String, String> e : headers.entrySet()) {
            parts[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            parts[i + 1] = e.getValue().getBytes(StandardCharsets.UTF_8);
            for (int j = i; j < i + 2; j++) {
                if (parts[j].length > 0xFFFF) {
                    throw new IllegalArgumentException("header name or value longer than 65535 bytes");
                }
                size += 2 + parts[j].length;
            }
            i += 2;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putShort((short) headers.size());
        for (byte[] part : parts) {
            b.putShort((short) part.length);
            b.put(part);
        }
        return b.array();
    }

    /** Decodes a headers block; null gives an empty map. The map keeps wire order. */
    public static Map<String, String> decode(byte[] block) {
        if (block == null || block.length == 0) {
            return Map.of();
        }
        String problem = problem(block);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        ByteBuffer b = ByteBuffer.wrap(block);
        int count = b.getShort() & 0xFFFF;
        Map<String, String> headers = new LinkedHashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            String name = read(b);
            headers.put(name, read(b));
        }
        return Collections.unmodifiableMap(headers);
    }

    /** Why {@code block} is not a well-formed headers block, or null if it is. */
    public static String problem(byte[] block) {
        return problem(ByteBuffer.wrap(block));
    }

    /** Why the bytes from position to limit are not a well-formed headers block, or null. */
    public static String problem(ByteBuffer block) {
        int base = block.position();
        int length = block.remaining();
        if (length < 2) {
            return "headers block of " + length + " bytes has no count";
        }
        int count = block.getShort(base) & 0xFFFF;
        int at = 2;
        for (int i = 0; i < count * 2; i++) {
            if (at + 2 > length) {
                return "headers block is truncated at entry " + (i / 2);
            }
            at += 2 + (block.getShort(base + at) & 0xFFFF);
            if (at > length) {
                return "headers block is truncated at entry " + (i / 2);
            }
        }
        return at == length ? null : "headers block has " + (length - at) + " trailing bytes";
    }

    private static String read(ByteBuffer b) {
        int length = b.getShort() & 0xFFFF;
        String s = new String(b.array(), b.arrayOffset() + b.position(), length, StandardCharsets.UTF_8);
        b.position(b.position() + length);
        return s;
    }

}
