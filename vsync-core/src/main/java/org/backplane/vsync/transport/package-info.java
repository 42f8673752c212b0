/**
 * The transport port: what the engine needs from a network (FIFO point-to-point frames, with
 * link-up and link-down events fed back to the node machine), and the frame format that
 * carries every group message. Guarantee provided here: none beyond FIFO per connection;
 * reliability across breaks comes from {@code org.backplane.vsync.link}.
 */
package org.backplane.vsync.transport;
