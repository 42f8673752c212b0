package org.backplane.server;

import org.backplane.client.BusClient;
import org.backplane.client.BusMessage;
import org.backplane.client.ClientOptions;
import org.backplane.client.PublishAck;
import org.backplane.client.StartPosition;
import org.backplane.client.Subscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Credit-based flow control: a subscriber whose handler stalls holds at most its credit window
 * on the server (asserted on the server's own counters: credits left, messages sent, bytes
 * queued in its socket buffer) while a fast subscriber on the same topic receives everything;
 * released, the slow one catches up with no gap.
 */
@Timeout(120)
class SlowSubscriberIT {

    @Test
    void stalledSubscriberCostsBoundedMemoryAndDoesNotSlowAFastOne() throws Exception {
        int window = 64;
        int total = 20_000;
        byte[] payload = new byte[1000];
        try (EmbeddedServer s = new EmbeddedServer();
             BusClient publisher = BusClient.connect(ClientOptions.builder().servers(s.address()).name("pub").build());
             BusClient slowClient = BusClient.connect(ClientOptions.builder().servers(s.address()).name("slow")
                     .subscriptionWindow(window).build());
             BusClient fastClient = BusClient.connect(ClientOptions.builder().servers(s.address()).name("fast").build())) {
            CountDownLatch release = new CountDownLatch(1);
            List<BusMessage> slow = new CopyOnWriteArrayList<>();
            Subscription slowSub = slowClient.subscribe("/SLOW/A", StartPosition.fromStart(), m -> {
                if (slow.isEmpty()) {
                    try {
                        release.await(60, TimeUnit.SECONDS); // the stalled handler
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                slow.add(m);
            });
            List<BusMessage> fast = new CopyOnWriteArrayList<>();
            Subscription fastSub = fastClient.subscribe("/SLOW/A", StartPosition.fromStart(), fast::add);

            List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                acks.add(publisher.publish("/SLOW/A", payload));
            }
            acks.forEach(CompletableFuture::join);
            Await.until(() -> fast.size() >= total, "the fast subscriber to receive everything while the slow one stalls");

            BusServer.SessionStats slowSession = s.server.sessions().stream()
                    .filter(x -> "slow".equals(x.clientName())).findFirst().orElseThrow();
            BusServer.SubscriptionStats stats = slowSession.subscriptions().get(0);
            System.out.println("stalled subscriber on the server: " + stats + ", socket queue "
                    + slowSession.outboundPendingBytes() + " bytes");
            assertEquals(0, stats.credits(), "the stalled subscriber used its whole window");
            assertTrue(stats.sent() <= window, "sent " + stats.sent() + " > window " + window);
            assertTrue(slowSession.outboundPendingBytes() <= (long) window * 1100,
                    "server holds " + slowSession.outboundPendingBytes() + " bytes for the stalled subscriber");
            assertTrue(slow.size() <= 1);

            release.countDown();
            Await.until(() -> slow.size() >= total, "the slow subscriber to catch up");
            for (int i = 0; i < total; i++) {
                assertEquals(i + 1, slow.get(i).seq());
                assertEquals(i + 1, fast.get(i).seq());
            }
            slowSub.close();
            fastSub.close();
        }
    }
}
