package org.backplane.vsync.state;

/**
 * One chunk of a state transfer, donor to joiner.
 *
 * @param group  the group
 * @param viewId the transfer's view
 * @param seq    the chunk number (1, 2, ...)
 * @param bytes  the chunk; not copied
 * @param last   whether this is the final chunk
 */
public record StateChunk(String group, long viewId, long seq, byte[] bytes, boolean last) implements StateMessage {

    @Override
    public int approxBytes() {
        return 32 + bytes.length;
    }
}
