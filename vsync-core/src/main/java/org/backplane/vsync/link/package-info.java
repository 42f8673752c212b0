/**
 * Reliable FIFO links between processes over the transport port. Guarantee: while both ends
 * are up and the link is eventually re-established after each break, every group message sent
 * to a peer is handed to it exactly once and in send order.
 */
package org.backplane.vsync.link;
