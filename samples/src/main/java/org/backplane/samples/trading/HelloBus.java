package org.backplane.samples.trading;

// README.md's "The Java client" shows this file from the next line on; HelloBusIT keeps them equal.
import org.backplane.client.*;
import java.nio.charset.StandardCharsets;

/** Posts one message, then replays the last 3 messages of every /DEMO topic and follows them live. */
public class HelloBus {
    public static void main(String[] args) throws InterruptedException {
        try (BusClient bus = BusClient.connect(args.length > 0 ? args[0] : "127.0.0.1:7420")) {
            PublishAck ack = bus.publishSync("/DEMO/NEWS", "hello from Java".getBytes(StandardCharsets.UTF_8));
            System.out.println("posted " + ack.topic() + " seq=" + ack.seq());

            Subscription sub = bus.subscribe("/DEMO/**", StartPosition.lastN(3),
                    m -> System.out.println(m.topic() + " " + m.seq() + ": " + m.payloadAsText()));
            Thread.sleep(1000); // a real program would go on with its work here
            System.out.println("last seq seen on /DEMO/NEWS: " + sub.lastSeq("/DEMO/NEWS"));
        }
    }
}
