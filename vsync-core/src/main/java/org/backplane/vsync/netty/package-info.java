/**
 * The TCP transport at the Netty edge: connections, hellos, reconnection, and the binary codec
 * of frames and group messages. Guarantee: FIFO frames per connection; bad input drops only the
 * connection it came on.
 */
package org.backplane.vsync.netty;
