package org.backplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.backplane.client.BusMessage;
import org.backplane.client.PublishAck;
import org.backplane.client.protocol.HeadersCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OutputTest {
    private static final long T = Instant.parse("2026-11-27T12:00:00Z").toEpochMilli();

    @Test
    void textIsOneLinePerMessageWithKeyWhenThere() {
        BusMessage keyed = message("/DEMO/X", 42, "IBM", Map.of(), "142.35");
        assertEquals("/DEMO/X 42 2026-11-27T12:00:00.000Z IBM: 142.35", Output.text(keyed, false));
        BusMessage plain = message("/DEMO/X", 1, null, Map.of(), "line one\nline two\ttab\u0001");
        assertEquals("/DEMO/X 1 2026-11-27T12:00:00.000Z: line one\\nline two\\ttab\\u0001", Output.text(plain, false));
        Map<String, String> h = new LinkedHashMap<>();
        h.put("src", "feed");
        h.put("n", "1");
        assertEquals("/DEMO/X 2 2026-11-27T12:00:00.000Z k src=feed n=1: p",
                Output.text(message("/DEMO/X", 2, "k", h, "p"), true));
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        JsonNode j = new ObjectMapper().readTree(Output.json(message("/DEMO/X", 7, null, Map.of("a", "b"), "héllo \"x\"")));
        assertEquals("/DEMO/X", j.get("topic").asText());
        assertEquals(7, j.get("seq").asLong());
        assertEquals("2026-11-27T12:00:00.000Z", j.get("timestamp").asText());
        assertTrue(j.get("key").isNull());
        assertEquals("b", j.get("headers").get("a").asText());
        assertEquals("héllo \"x\"", j.get("payload").asText());
    }

    @Test
    void acks() throws Exception {
        PublishAck ack = new PublishAck("/DEMO/X", 42, Instant.ofEpochMilli(T + 5), 9);
        assertEquals("/DEMO/X seq=42", Output.text(ack));
        JsonNode j = new ObjectMapper().readTree(Output.json(ack));
        assertEquals(42, j.get("seq").asLong());
        assertEquals("2026-11-27T12:00:00.005Z", j.get("timestamp").asText());
    }

    @Test
    void countsUseCommasWhateverTheLocale() {
        assertEquals("1,234,567", Output.count(1_234_567));
    }

    private static BusMessage message(String topic, long seq, String key, Map<String, String> headers, String payload) {
        return new BusMessage(topic, seq, T, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                HeadersCodec.encode(headers), payload.getBytes(StandardCharsets.UTF_8));
    }
}
