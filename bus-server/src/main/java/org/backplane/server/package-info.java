/**
 * The single-node Backplane server. {@link org.backplane.server.BusServer} starts it from a
 * {@link org.backplane.server.ServerConfig}. Inside, the delivery path follows ARCHITECTURE.md
 * "Topics on the engine": client sessions validate and submit postings to an {@code Orderer}
 * (here {@code LocalOrderer}, a single-threaded total order; the engine's ABCAST later), and
 * {@code Delivery} dedups (B3), numbers and appends them to the history store, commits once per
 * batch, acks, and wakes the subscriptions whose filter matches. Subscriptions are cursors on the
 * store driven by credits on each connection's event loop, so replay and live are one stream
 * (B2) and a slow subscriber costs no memory. Every refusal is an error frame that says why (B8).
 */
package org.backplane.server;
