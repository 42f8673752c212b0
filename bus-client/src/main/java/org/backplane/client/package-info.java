/**
 * The Backplane Java client: {@link org.backplane.client.BusClient} connects, publishes with
 * acks (exactly once per posting, also across reconnects: B3), subscribes by name or pattern from
 * any start position with replay and live as one stream (B2), and lists topics and server status.
 * {@link org.backplane.client.TopicName} and {@link org.backplane.client.TopicPattern} are the one
 * definition of topic names and patterns that the server and the CLI share. Every public method
 * says on which thread it may be called and on which it calls back.
 */
package org.backplane.client;
